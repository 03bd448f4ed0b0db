/** Service setup tables: boards and their statuses/types/subtypes/items/teams, priorities, ... */
import type { RouteDefinition, RouteHandler } from '../context';
import { listRecords } from '../listing';
import type { SimBoardChild, SimCollection, SimStore } from '../store';
import { recordOr404 } from '../validation';

function boardChildren(pick: (store: SimStore) => SimCollection<SimBoardChild>): RouteHandler {
  return (ctx, req) => {
    const board = recordOr404(ctx.store.boards, req.params.parentId, 'Board');
    const children = pick(ctx.store).filter((child) => (child.board?.id ?? child.boardId) === board.id);
    return listRecords(ctx, req, children);
  };
}

export const serviceRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/service/boards', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.boards.list()) },
  { method: 'GET', path: '/service/boards/{parentId}/items', body: 'none', handler: boardChildren((s) => s.boardItems) },
  {
    method: 'GET',
    path: '/service/boards/{parentId}/statuses',
    body: 'none',
    handler: boardChildren((s) => s.boardStatuses as SimCollection<SimBoardChild>),
  },
  { method: 'GET', path: '/service/boards/{parentId}/subtypes', body: 'none', handler: boardChildren((s) => s.boardSubTypes) },
  { method: 'GET', path: '/service/boards/{parentId}/teams', body: 'none', handler: boardChildren((s) => s.boardTeams) },
  { method: 'GET', path: '/service/boards/{parentId}/types', body: 'none', handler: boardChildren((s) => s.boardTypes) },
  { method: 'GET', path: '/service/impacts', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.impacts.list()) },
  { method: 'GET', path: '/service/priorities', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.priorities.list()) },
  { method: 'GET', path: '/service/severities', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.severities.list()) },
  {
    method: 'GET',
    path: '/service/SLAs/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: recordOr404(ctx.store.slas, req.params.id, 'SLA') }),
  },
  { method: 'GET', path: '/service/sources', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.sources.list()) },
];
