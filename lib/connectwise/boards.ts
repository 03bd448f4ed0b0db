import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { listAll, refSchema } from './parsing';
import type { ManageBoard, ManageBoardItem, ManageBoardStatus, ManageBoardSubType, ManageBoardTeam, ManageBoardType } from './types';

const boardSchema = z.object({
  id: z.number(),
  name: z.string(),
  inactiveFlag: z.boolean().nullish(),
  projectFlag: z.boolean().nullish(),
});

export async function listBoards(client: ManageClient): Promise<ManageBoard[]> {
  return listAll(client, '/service/boards', boardSchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    inactive: raw.inactiveFlag ?? false,
    projectFlag: raw.projectFlag ?? false,
  }));
}

const boardChild = { id: z.number(), name: z.string(), board: refSchema.nullish() };

const statusSchema = z.object({
  ...boardChild,
  sortOrder: z.number().nullish(),
  defaultFlag: z.boolean().nullish(),
  inactive: z.boolean().nullish(),
  closedStatus: z.boolean().nullish(),
});

export async function listBoardStatuses(client: ManageClient, boardId: number): Promise<ManageBoardStatus[]> {
  return listAll(client, `/service/boards/${boardId}/statuses`, statusSchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    boardId: raw.board?.id ?? boardId,
    sortOrder: raw.sortOrder ?? null,
    defaultFlag: raw.defaultFlag ?? false,
    inactive: raw.inactive ?? false,
    closedStatus: raw.closedStatus ?? false,
  }));
}

const typeSchema = z.object({ ...boardChild, defaultFlag: z.boolean().nullish(), inactiveFlag: z.boolean().nullish() });

export async function listBoardTypes(client: ManageClient, boardId: number): Promise<ManageBoardType[]> {
  return listAll(client, `/service/boards/${boardId}/types`, typeSchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    boardId: raw.board?.id ?? boardId,
    defaultFlag: raw.defaultFlag ?? false,
    inactive: raw.inactiveFlag ?? false,
  }));
}

const subTypeSchema = z.object({
  ...boardChild,
  inactiveFlag: z.boolean().nullish(),
  typeAssociationIds: z.array(z.number()).nullish(),
});

export async function listBoardSubTypes(client: ManageClient, boardId: number): Promise<ManageBoardSubType[]> {
  return listAll(client, `/service/boards/${boardId}/subtypes`, subTypeSchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    boardId: raw.board?.id ?? boardId,
    inactive: raw.inactiveFlag ?? false,
    typeAssociationIds: raw.typeAssociationIds ?? [],
  }));
}

const itemSchema = z.object({ ...boardChild, inactiveFlag: z.boolean().nullish() });

export async function listBoardItems(client: ManageClient, boardId: number): Promise<ManageBoardItem[]> {
  return listAll(client, `/service/boards/${boardId}/items`, itemSchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    boardId: raw.board?.id ?? boardId,
    inactive: raw.inactiveFlag ?? false,
  }));
}

const teamSchema = z.object({
  id: z.number(),
  name: z.string(),
  boardId: z.number().nullish(),
  defaultFlag: z.boolean().nullish(),
});

export async function listBoardTeams(client: ManageClient, boardId: number): Promise<ManageBoardTeam[]> {
  return listAll(client, `/service/boards/${boardId}/teams`, teamSchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    boardId: raw.boardId ?? boardId,
    defaultFlag: raw.defaultFlag ?? false,
  }));
}
