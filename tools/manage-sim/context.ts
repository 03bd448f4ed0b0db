/** What every route handler gets: the simulator state and the parsed request. */
import type { IncomingHttpHeaders } from 'node:http';
import type { SimCredentials } from './constants';
import type { PermissionTable } from './permissions';
import type { Refs } from './refs';
import type { SimMember, SimStore } from './store';

export type SimContext = {
  store: SimStore;
  refs: Refs;
  baseUrl: string;
  credentials: SimCredentials;
  pageSizeMax: number;
  /**
   * The time of a change to a ticket (`_info.lastUpdated`): ISO with milliseconds, strictly
   * increasing across the simulator and later than `after` (the record's previous value).
   */
  changeTime: (after?: unknown) => string;
  /** The security role every API call is checked against (also what role settings report). */
  permissions: PermissionTable;
};

export type MultipartBody = {
  fields: Record<string, string>;
  files: { field: string; filename: string; contentType: string; bytes: Buffer }[];
};

export type RouteRequest = {
  method: string;
  /** Path after /apis/3.0, as sent. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON for JSON routes, parsed form for multipart routes, else null. */
  body: unknown;
  multipart: MultipartBody | null;
  /** The authenticated member (the API member for key auth). */
  member: SimMember;
  /** `scheme://host` the client used, for Link headers and hrefs. */
  origin: string;
  forwardOnly: boolean;
};

export type RouteResult =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; bytes: Buffer; contentType: string; headers?: Record<string, string> };

export type RouteHandler = (ctx: SimContext, req: RouteRequest) => RouteResult | Promise<RouteResult>;

export type BodyKind = 'none' | 'json' | 'multipart';

export type RouteDefinition = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Official path template, e.g. '/service/tickets/{id}'. */
  path: string;
  body: BodyKind;
  handler: RouteHandler;
};
