import 'server-only';
import { ZodError, type z } from 'zod';
import { getDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { toErrorResponse, type ErrorAnswerPolicy } from '@/lib/http/errors';
import { DEFAULT_JSON_BODY_BYTES, isJsonContentType, readJsonBody, unsupportedMediaType } from '@/lib/http/request-body';
import { isStateChanging } from '@/lib/http/request-origin';

/**
 * The one pipeline every API route runs through; each kind of caller (lib/api/with-*.ts)
 * plugs in how it is screened, authenticated and how its errors are answered. In order:
 * screen (the admin's origin check: before anything is read), database, caller, params,
 * query, body, handler. A route file only declares its schemas and calls lib.
 */

export type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
/** What Next.js calls; the context is optional so a route without segments can be called with the request alone. */
export type RouteHandler = (request: Request, context?: RouteContext) => Promise<Response>;

export type InputSpec = {
  params?: z.ZodType;
  query?: z.ZodType;
  /** A JSON body: application/json required (415), bounded (413), parsed (400) and validated (422). */
  body?: z.ZodType;
  maxBodyBytes?: number;
  /** The handler reads the body itself (the agent's multipart press); nothing is checked here. */
  rawBody?: boolean;
  /** The app's database unless given (tests and benchmarks hand in their own). */
  database?: () => Promise<DeskbellDatabase>;
};

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export type ParsedInput<S extends InputSpec> = {
  request: Request;
  db: DeskbellDatabase;
  params: Output<S['params']>;
  query: Output<S['query']>;
  body: Output<S['body']>;
};

/** A Response as it is, or any other value as a 200 JSON body. */
export type Reply = Response | object;

export type CallerKind<Caller> = {
  /** Runs before the database or the body is touched. */
  screen?: (request: Request) => void;
  authenticate: (request: Request, db: DeskbellDatabase, context: RouteContext) => Promise<Caller>;
  /** What this kind of caller's error answers add (a bearer challenge); the mapper is the shared one. */
  errors?: ErrorAnswerPolicy;
  /** Added to every answer, errors included (the pod's `vary: authorization`). */
  headers?: Record<string, string>;
};

const NO_PARAMS: RouteContext = { params: Promise.resolve({}) };

/** Issues of the path and query name their part (`params.id`, `query.wait`); body issues keep the form's field paths. */
function parsePart<S extends z.ZodType>(part: 'params' | 'query', schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: [part, ...issue.path] })));
}

export async function parseInput<S extends InputSpec>(request: Request, context: RouteContext, spec: S): Promise<Omit<ParsedInput<S>, 'request' | 'db'>> {
  const params = spec.params ? parsePart('params', spec.params, await context.params) : undefined;
  const query = spec.query ? parsePart('query', spec.query, Object.fromEntries(new URL(request.url).searchParams)) : undefined;
  let body: unknown;
  if (spec.body) {
    body = await readJsonBody(request, spec.body, spec.maxBodyBytes ?? DEFAULT_JSON_BODY_BYTES);
  } else if (!spec.rawBody && isStateChanging(request.method)) {
    // No body is read here, but a form-shaped request is still not one of ours.
    const contentType = request.headers.get('content-type');
    if (contentType !== null && !isJsonContentType(contentType)) throw unsupportedMediaType('Send no body, or an application/json one.');
  }
  return { params, query, body } as Omit<ParsedInput<S>, 'request' | 'db'>;
}

export function finishResponse(reply: Reply, headers: Record<string, string> = {}): Response {
  const response = reply instanceof Response ? reply : Response.json(reply);
  // A file may choose its own caching (private, short); everything else is never stored.
  if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export function defineRoute<Caller extends object, S extends InputSpec>(
  kind: CallerKind<Caller>,
  spec: S,
  handler: (call: ParsedInput<S> & Caller) => Promise<Reply> | Reply,
): RouteHandler {
  return async (request, context = NO_PARAMS) => {
    try {
      kind.screen?.(request);
      const db = await (spec.database ?? getDatabase)();
      const caller = await kind.authenticate(request, db, context);
      const input = await parseInput(request, context, spec);
      return finishResponse(await handler({ ...caller, ...input, request, db }), kind.headers);
    } catch (err) {
      return finishResponse(toErrorResponse(err, kind.errors), kind.headers);
    }
  };
}
