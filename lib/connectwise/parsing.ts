import 'server-only';
import { z } from 'zod';
import { collectAll, type ManageClient, type ManageQuery, type PaginateOptions } from './client';
import { ManageError } from './errors';

/** A Manage reference object (`{id, name, identifier, _info}`), as our code reads it. */
export const refSchema = z.object({
  id: z.number(),
  name: z.string().nullish(),
  identifier: z.string().nullish(),
});
export type RawRef = z.infer<typeof refSchema>;

export const levelSchema = z.enum(['Low', 'Medium', 'High']);

function describeIssues(error: z.ZodError): string {
  // Issue paths and messages only: the data itself may hold personal details.
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

export function parseManageData<S extends z.ZodType>(schema: S, data: unknown, method: string, path: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ManageError({
    message: `Manage answered ${method} ${path} with data Deskbell does not understand (${describeIssues(result.error)}).`,
    status: null,
    code: 'InvalidResponse',
    kind: 'invalid_response',
    method,
    path,
    retryable: false,
  });
}

/** GET one record and map it to our type. */
export async function getOne<S extends z.ZodType, T>(
  client: ManageClient,
  path: string,
  schema: S,
  map: (raw: z.output<S>) => T,
): Promise<T> {
  const res = await client.request({ method: 'GET', path });
  return map(parseManageData(schema, res.data, 'GET', path));
}

/** Sends a write and maps Manage's answer (the stored record) to our type. */
export async function writeOne<S extends z.ZodType, T>(
  client: ManageClient,
  method: 'POST' | 'PUT' | 'PATCH',
  path: string,
  json: unknown,
  schema: S,
  map: (raw: z.output<S>) => T,
  idempotent?: boolean,
): Promise<T> {
  const res = await client.request({ method, path, json, idempotent });
  return map(parseManageData(schema, res.data, method, path));
}

/** Reads every page of a list and maps each record to our type. */
export async function listAll<S extends z.ZodType, T>(
  client: ManageClient,
  path: string,
  schema: S,
  map: (raw: z.output<S>) => T,
  query?: ManageQuery,
  options?: PaginateOptions,
): Promise<T[]> {
  const raw = await collectAll(client.paginate<unknown>(path, query, options));
  return parseManageData(z.array(schema), raw, 'GET', path).map(map);
}

/**
 * Cuts text to Manage's documented maximum length (UTF-16 units, as Manage counts),
 * marking the cut with an ellipsis and never splitting a surrogate pair.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}\u2026`;
}

/** Throws when a value that must not be cut (identifiers, URLs) is too long. */
export function requireMaxLength(value: string, max: number, what: string): string {
  if (value.length > max) throw new RangeError(`${what} is ${value.length} characters long; Manage allows at most ${max}.`);
  return value;
}

export const refId = (ref: RawRef | null | undefined): number | null => ref?.id ?? null;
export const refName = (ref: RawRef | null | undefined): string | null => ref?.name ?? null;
