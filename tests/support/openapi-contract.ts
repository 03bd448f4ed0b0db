/**
 * Contract checker over ConnectWise's official OpenAPI subset
 * (tests/contract/manage-openapi/manage-openapi-subset.json: ConnectWise's public contract,
 * carried in the repository). The checker is ours, independent of the
 * simulator, so a request the simulator happens to accept can still be caught here.
 *
 * Beyond plain OpenAPI 3.0 validation it enforces what the official document only says in
 * prose: "Max length: N" in descriptions, "at least one address field is required -- ...",
 * and "Only available for POST" (write-only). Objects reject properties the schema does not
 * name, because a misspelt field is silently ignored by Manage and is exactly the bug a
 * contract test exists to catch.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const repoRoot = path.resolve(import.meta.dirname, '../..');
export const MANAGE_OPENAPI_PATH = path.resolve(repoRoot, 'tests/contract/manage-openapi/manage-openapi-subset.json');

/** Everything up to and including this segment is the server base (`/v4_6_release/apis/3.0`). */
const API_PREFIX = '/apis/3.0';

type JsonObject = Record<string, unknown>;
type Mode = 'request' | 'response';

type OpenApiParameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonObject };
type OpenApiMedia = { schema?: JsonObject };
type OpenApiOperation = {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, OpenApiMedia> };
  responses: Record<string, { description?: string; content?: Record<string, OpenApiMedia> }>;
  security?: Record<string, string[]>[];
};
type OpenApiDocument = {
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonObject> };
  security?: Record<string, string[]>[];
};

export type ManageOperation = {
  operationId: string;
  method: string;
  /** e.g. '/service/tickets/{parentId}/notes' */
  template: string;
  pathParams: string[];
};

type CompiledOperation = ManageOperation & {
  regex: RegExp;
  literalSegments: number;
  parameters: OpenApiParameter[];
  spec: OpenApiOperation;
};

export type ContractResult = { ok: boolean; operationId?: string; errors: string[] };

export type HeaderInput = Headers | Record<string, string | string[] | undefined>;

/** A multipart body as the simulator records it. */
export type RecordedMultipart = {
  fields: Record<string, string>;
  files: { field: string; filename: string; contentType: string; size: number }[];
};

export type ManageRequestInput = {
  method: string;
  /** Path after `/apis/3.0` (`/service/tickets/42/notes`), or a full path/URL containing it; a query string is read. */
  path: string;
  headers: HeaderInput;
  contentType?: string | null;
  /** Parsed JSON, a FormData, or a recorded multipart `{fields, files}`; null/undefined when there is no body. */
  body?: unknown;
  query?: Record<string, string>;
};

export type ManageResponseInput = {
  method: string;
  path: string;
  status: number;
  body?: unknown;
  contentType?: string | null;
};

let documentCache: OpenApiDocument | undefined;

function loadDocument(): OpenApiDocument {
  documentCache ??= JSON.parse(fs.readFileSync(MANAGE_OPENAPI_PATH, 'utf8')) as OpenApiDocument;
  return documentCache;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let operationsCache: CompiledOperation[] | undefined;

function compiledOperations(): CompiledOperation[] {
  if (operationsCache) return operationsCache;
  const doc = loadDocument();
  const ops: CompiledOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const pathLevel = (item.parameters as OpenApiParameter[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const spec = item[method] as OpenApiOperation | undefined;
      if (!spec) continue;
      const segments = template.split('/').filter(Boolean);
      const pathParams: string[] = [];
      const pattern = segments
        .map((seg) => {
          const m = /^\{(.+)\}$/.exec(seg);
          if (m?.[1]) {
            pathParams.push(m[1]);
            return '([^/]+)';
          }
          return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      const own = spec.parameters ?? [];
      // Operation-level parameters override path-level ones with the same name+location.
      const parameters = [
        ...pathLevel.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)),
        ...own,
      ];
      ops.push({
        operationId: spec.operationId,
        method: method.toUpperCase(),
        template,
        pathParams,
        regex: new RegExp(`^/${pattern}$`),
        literalSegments: segments.length - pathParams.length,
        parameters,
        spec,
      });
    }
  }
  // Literal segments beat parameters: /company/companies/statuses before /company/companies/{id}.
  ops.sort((a, b) => b.literalSegments - a.literalSegments);
  operationsCache = ops;
  return ops;
}

export function listManageOperations(): ManageOperation[] {
  return compiledOperations().map(({ operationId, method, template, pathParams }) => ({
    operationId,
    method,
    template,
    pathParams: [...pathParams],
  }));
}

/** Splits a concrete path into the part after `/apis/3.0` and its query string. */
function splitPath(raw: string): { apiPath: string; query: Record<string, string> } {
  let p = raw;
  const schemeIdx = p.indexOf('://');
  if (schemeIdx !== -1) {
    const slash = p.indexOf('/', schemeIdx + 3);
    p = slash === -1 ? '/' : p.slice(slash);
  }
  const query: Record<string, string> = {};
  const q = p.indexOf('?');
  if (q !== -1) {
    for (const [k, v] of new URLSearchParams(p.slice(q + 1))) query[k] = v;
    p = p.slice(0, q);
  }
  const prefixAt = p.toLowerCase().indexOf(API_PREFIX);
  if (prefixAt !== -1) p = p.slice(prefixAt + API_PREFIX.length);
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return { apiPath: p, query };
}

type Match = { operation: CompiledOperation; pathParams: Record<string, string>; apiPath: string; query: Record<string, string> };
type MatchFailure = { error: string };

function findOperation(method: string, rawPath: string): Match | MatchFailure {
  const { apiPath, query } = splitPath(rawPath);
  const upper = method.toUpperCase();
  const ops = compiledOperations();
  const byPath = ops.filter((o) => o.regex.test(apiPath));
  if (byPath.length === 0) {
    const caseless = ops.find((o) => new RegExp(o.regex.source, 'i').test(apiPath));
    if (caseless) {
      return { error: `${upper} ${apiPath}: path casing differs from the official template ${caseless.template}` };
    }
    return { error: `${upper} ${apiPath}: no operation in the official OpenAPI subset matches this path` };
  }
  const operation = byPath.find((o) => o.method === upper);
  if (!operation) {
    const allowed = [...new Set(byPath.map((o) => o.method))].join(', ');
    return { error: `${upper} ${apiPath}: method not in the official contract for ${byPath[0]?.template} (allowed: ${allowed})` };
  }
  const m = operation.regex.exec(apiPath);
  const pathParams: Record<string, string> = {};
  operation.pathParams.forEach((name, i) => {
    pathParams[name] = decodeURIComponent(m?.[i + 1] ?? '');
  });
  return { operation, pathParams, apiPath, query };
}

/** The operation a concrete request maps to, or null when the path/method is not in the contract. */
export function matchManageOperation(
  method: string,
  rawPath: string,
): { operation: ManageOperation; pathParams: Record<string, string> } | null {
  const found = findOperation(method, rawPath);
  if ('error' in found) return null;
  const { operationId, method: m, template, pathParams: names } = found.operation;
  return { operation: { operationId, method: m, template, pathParams: [...names] }, pathParams: found.pathParams };
}

// ---------------------------------------------------------------------------------------
// OpenAPI 3.0 schema -> JSON Schema (per mode)

const OPENAPI_ONLY_KEYWORDS = new Set(['example', 'xml', 'discriminator', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly', 'nullable']);
const MAX_LENGTH_TEXT = /Max length:\s*(\d+)/i;
const WRITE_ONLY_TEXT = /Only available for POST/i;
const AT_LEAST_ONE_TEXT = /at least one [\w\s]+? is required\s*--\s*([^.;]+)/i;
const ANY_REQUIRED_KEYWORD = 'x-anyRequired';

function refName(ref: string): string {
  const prefix = '#/components/schemas/';
  if (!ref.startsWith(prefix)) throw new Error(`Unsupported $ref in the OpenAPI subset: ${ref}`);
  return ref.slice(prefix.length);
}

function rootId(mode: Mode): string {
  return `manage-${mode}`;
}

function definitionRef(mode: Mode, name: string): string {
  return `${rootId(mode)}#/definitions/${name}`;
}

function typeIncludes(schema: JsonObject, t: string): boolean {
  const type = schema.type;
  return type === t || (Array.isArray(type) && type.includes(t));
}

function convertSchema(node: unknown, mode: Mode): unknown {
  if (Array.isArray(node)) return node.map((n) => convertSchema(n, mode));
  if (node === null || typeof node !== 'object') return node;
  const src = node as JsonObject;
  if (typeof src.$ref === 'string') return { $ref: definitionRef(mode, refName(src.$ref)) };

  const out: JsonObject = {};
  for (const [key, value] of Object.entries(src)) {
    if (OPENAPI_ONLY_KEYWORDS.has(key) || key === 'properties' || key === 'required') continue;
    out[key] = key === 'enum' ? value : convertSchema(value, mode);
  }

  if (src.nullable === true) {
    if (typeof src.type === 'string') out.type = [src.type, 'null'];
    if (Array.isArray(src.enum) && !src.enum.includes(null)) out.enum = [...src.enum, null];
  }

  const description = typeof src.description === 'string' ? src.description : '';
  const maxLength = MAX_LENGTH_TEXT.exec(description)?.[1];
  if (maxLength && typeIncludes(src, 'string') && src.maxLength === undefined) out.maxLength = Number(maxLength);

  if (src.properties && typeof src.properties === 'object') {
    const props = src.properties as Record<string, JsonObject>;
    const converted: JsonObject = {};
    const hidden = new Set<string>();
    const anyRequired = new Set<string>();
    for (const [name, prop] of Object.entries(props)) {
      const propDescription = typeof prop.description === 'string' ? prop.description : '';
      const writeOnly = prop.writeOnly === true || WRITE_ONLY_TEXT.test(propDescription);
      const readOnly = prop.readOnly === true;
      if ((mode === 'response' && writeOnly) || (mode === 'request' && readOnly)) hidden.add(name);
      // A false schema makes the property's presence an error; formatError explains why.
      converted[name] = mode === 'response' && writeOnly ? false : convertSchema(prop, mode);
      const group = AT_LEAST_ONE_TEXT.exec(propDescription)?.[1];
      if (group && mode === 'request') {
        for (const candidate of group.split(/,|\band\/or\b|\bor\b|\band\b/)) {
          const trimmed = candidate.trim();
          if (trimmed && trimmed in props) anyRequired.add(trimmed);
        }
      }
    }
    out.properties = converted;
    if (out.additionalProperties === undefined) out.additionalProperties = false;
    const required = Array.isArray(src.required) ? (src.required as string[]).filter((r) => !hidden.has(r)) : [];
    if (required.length > 0) out.required = required;
    if (anyRequired.size > 0) out[ANY_REQUIRED_KEYWORD] = [...anyRequired];
  } else if (Array.isArray(src.required)) {
    out.required = src.required;
  }
  return out;
}

/**
 * Deliberate, documented departures from the official document. Each entry is a place where
 * the generated schema contradicts Manage's own documentation of the same call.
 */
function applyKnownDeviations(definitions: Record<string, JsonObject>): void {
  // PatchOperation.value is typed `object`, yet Manage's documented PATCH examples replace
  // scalars (`{"op":"replace","path":"summary","value":"..."}`): any JSON value is allowed.
  const patch = definitions.PatchOperation?.properties as JsonObject | undefined;
  if (patch && 'value' in patch) patch.value = {};
}

type ModeValidator = { ajv: Ajv; cache: Map<string, ValidateFunction> };
const validators = new Map<Mode, ModeValidator>();

function validatorFor(mode: Mode): ModeValidator {
  const existing = validators.get(mode);
  if (existing) return existing;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: ANY_REQUIRED_KEYWORD,
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: function anyRequired(this: unknown, names: string[], data: JsonObject) {
      if (names.some((n) => data[n] !== undefined)) return true;
      (anyRequired as unknown as { errors: Partial<ErrorObject>[] }).errors = [
        {
          keyword: ANY_REQUIRED_KEYWORD,
          message: `needs at least one of ${names.join(', ')}`,
          params: { names },
        },
      ];
      return false;
    },
  });
  const definitions: Record<string, JsonObject> = {};
  for (const [name, schema] of Object.entries(loadDocument().components.schemas)) {
    definitions[name] = convertSchema(schema, mode) as JsonObject;
  }
  applyKnownDeviations(definitions);
  ajv.addSchema({ $id: rootId(mode), definitions });
  const created = { ajv, cache: new Map<string, ValidateFunction>() };
  validators.set(mode, created);
  return created;
}

function compileFor(mode: Mode, key: string, schema: JsonObject): ValidateFunction {
  const v = validatorFor(mode);
  let fn = v.cache.get(key);
  if (!fn) {
    fn = v.ajv.compile(convertSchema(schema, mode) as JsonObject);
    v.cache.set(key, fn);
  }
  return fn;
}

function pointerToLabel(root: string, pointer: string): string {
  if (!pointer) return root;
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : `${acc}.${seg}`), root);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `string of ${v.length} chars` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function formatError(e: ErrorObject, root: string): string {
  const at = pointerToLabel(root, e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${at}: missing required property "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `${pointerToLabel(root, `${e.instancePath}/${String(params.additionalProperty)}`)}: unknown property (not in the official schema)`;
    case 'enum':
      return `${at}: must be one of ${(params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')} (got ${describeValue(e.data)})`;
    case 'maxLength':
      return `${at}: longer than the official Max length ${String(params.limit)} (got ${typeof e.data === 'string' ? e.data.length : '?'} chars)`;
    case 'type':
      return `${at}: must be ${String(params.type)} (got ${describeValue(e.data)})`;
    case 'format':
      return `${at}: must match format ${String(params.format)} (got ${describeValue(e.data)})`;
    case 'false schema':
      return `${at}: is write-only in the official schema ("Only available for POST") and must not appear here`;
    default:
      return `${at}: ${e.message ?? e.keyword}`;
  }
}

function runValidator(fn: ValidateFunction, data: unknown, root: string): string[] {
  if (fn(data)) return [];
  return (fn.errors ?? []).map((e) => formatError(e, root));
}

// ---------------------------------------------------------------------------------------
// Parameters, headers, bodies

function normaliseHeaders(headers: HeaderInput): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, key) => {
      out[key.toLowerCase()] = value;
    });
    return out;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function mediaType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  return contentType.split(';')[0]?.trim().toLowerCase() ?? null;
}

/** Checks a textual parameter/form value against a (simple) OpenAPI schema. */
function checkTextValue(value: string, schema: JsonObject | undefined, label: string): string[] {
  if (!schema) return [];
  const type = schema.type;
  if (type === 'integer') {
    if (!/^-?\d+$/.test(value)) return [`${label}: must be an integer (got ${JSON.stringify(value)})`];
    const n = Number(value);
    if (schema.format === 'int32' && (n < -2147483648 || n > 2147483647)) return [`${label}: outside int32 range (got ${value})`];
    return [];
  }
  if (type === 'number') {
    return value.trim() !== '' && Number.isFinite(Number(value)) ? [] : [`${label}: must be a number (got ${JSON.stringify(value)})`];
  }
  if (type === 'boolean') {
    return /^(true|false)$/i.test(value) ? [] : [`${label}: must be true or false (got ${JSON.stringify(value)})`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return [`${label}: must be one of ${schema.enum.map((x) => JSON.stringify(x)).join(', ')} (got ${JSON.stringify(value)})`];
  }
  const max = MAX_LENGTH_TEXT.exec(typeof schema.description === 'string' ? schema.description : '')?.[1];
  if (max && value.length > Number(max)) return [`${label}: longer than the official Max length ${max} (got ${value.length} chars)`];
  return [];
}

function checkParameters(op: CompiledOperation, pathParams: Record<string, string>, query: Record<string, string>, headers: Record<string, string>): string[] {
  const errors: string[] = [];
  for (const p of op.parameters) {
    if (p.in === 'path') {
      errors.push(...checkTextValue(pathParams[p.name] ?? '', p.schema, `path parameter ${p.name}`));
    } else if (p.in === 'query') {
      const value = query[p.name];
      if (value === undefined) {
        if (p.required) errors.push(`query parameter ${p.name}: required but missing`);
      } else {
        errors.push(...checkTextValue(value, p.schema, `query parameter ${p.name}`));
      }
    } else if (p.in === 'header') {
      const value = headers[p.name.toLowerCase()];
      if (value === undefined || value.trim() === '') {
        if (p.required) errors.push(`header ${p.name}: required by the official contract but missing`);
      } else {
        errors.push(...checkTextValue(value, p.schema, `header ${p.name}`));
      }
    }
  }
  const declared = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(query)) {
    if (!declared.has(name)) errors.push(`query parameter ${name}: not declared for ${op.operationId}`);
  }
  return errors;
}

function checkSecurity(op: CompiledOperation, headers: Record<string, string>): string[] {
  const requirements = op.spec.security ?? loadDocument().security;
  if (!requirements || requirements.length === 0) return [];
  const needsBasic = requirements.every((r) => 'basicAuth' in r);
  if (needsBasic && !/^Basic\s+\S+/i.test(headers.authorization ?? '')) {
    return ['header Authorization: Basic credentials required by the official contract'];
  }
  return [];
}

function isBlob(v: unknown): v is Blob {
  return typeof Blob !== 'undefined' && v instanceof Blob;
}

function toRecordedMultipart(body: unknown): RecordedMultipart | null {
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    const out: RecordedMultipart = { fields: {}, files: [] };
    for (const [field, value] of body.entries()) {
      if (isBlob(value)) {
        const filename = 'name' in value && typeof value.name === 'string' ? value.name : '';
        out.files.push({ field, filename, contentType: value.type, size: value.size });
      } else {
        out.fields[field] = value;
      }
    }
    return out;
  }
  if (body && typeof body === 'object' && 'fields' in body && 'files' in body) {
    const b = body as RecordedMultipart;
    if (b.fields && typeof b.fields === 'object' && Array.isArray(b.files)) return b;
  }
  return null;
}

/** Multipart has no JSON body to hand to Ajv: check each part against the form schema by hand. */
function checkMultipart(body: unknown, formSchema: JsonObject): string[] {
  const form = toRecordedMultipart(body);
  if (!form) return ['body: expected multipart form data (fields and file parts)'];
  const resolved = typeof formSchema.$ref === 'string' ? loadDocument().components.schemas[refName(formSchema.$ref)] : formSchema;
  const props = (resolved?.properties ?? {}) as Record<string, JsonObject>;
  const errors: string[] = [];
  const binaryFields = Object.entries(props)
    .filter(([, s]) => s.type === 'string' && s.format === 'binary')
    .map(([name]) => name);
  for (const [name, value] of Object.entries(form.fields)) {
    const schema = props[name];
    if (!schema) {
      errors.push(`form field ${name}: unknown field (not in the official form schema; known: ${Object.keys(props).join(', ')})`);
    } else if (binaryFields.includes(name)) {
      errors.push(`form field ${name}: must be a file part, not a text field`);
    } else {
      errors.push(...checkTextValue(value, schema, `form field ${name}`));
    }
  }
  for (const file of form.files) {
    if (!props[file.field]) errors.push(`form file ${file.field}: unknown field (not in the official form schema)`);
    else if (!binaryFields.includes(file.field)) errors.push(`form file ${file.field}: must be a text field, not a file part`);
    else if (!file.filename) errors.push(`form file ${file.field}: file part has no filename`);
  }
  // The schema lists no `required`, but an upload without its file is not an upload.
  if (binaryFields.includes('file') && !form.files.some((f) => f.field === 'file')) {
    errors.push('form file file: the file part is missing');
  }
  const required = Array.isArray(resolved?.required) ? (resolved.required as string[]) : [];
  for (const name of required) {
    if (!(name in form.fields) && !form.files.some((f) => f.field === name)) errors.push(`form field ${name}: required but missing`);
  }
  return errors;
}

function hasBody(body: unknown): boolean {
  if (body === undefined || body === null) return false;
  if (typeof body === 'string') return body.length > 0;
  return true;
}

function withPrefix(op: CompiledOperation, apiPath: string, errors: string[]): ContractResult {
  const label = `${op.method} ${apiPath} (${op.operationId})`;
  return { ok: errors.length === 0, operationId: op.operationId, errors: errors.map((e) => `${label} ${e}`) };
}

export function validateManageRequest(input: ManageRequestInput): ContractResult {
  const found = findOperation(input.method, input.path);
  if ('error' in found) return { ok: false, errors: [found.error] };
  const { operation: op, pathParams, apiPath } = found;
  const query = { ...found.query, ...(input.query ?? {}) };
  const headers = normaliseHeaders(input.headers);
  const contentType = input.contentType ?? headers['content-type'] ?? null;
  const errors = [...checkParameters(op, pathParams, query, headers), ...checkSecurity(op, headers)];

  const requestBody = op.spec.requestBody;
  if (!requestBody) {
    if (hasBody(input.body)) errors.push('body: this operation takes no request body');
    return withPrefix(op, apiPath, errors);
  }
  if (!hasBody(input.body)) {
    if (requestBody.required) errors.push('body: a request body is required');
    return withPrefix(op, apiPath, errors);
  }
  const media = mediaType(contentType);
  const entry = Object.entries(requestBody.content).find(([k]) => mediaType(k) === media);
  if (!entry) {
    errors.push(`content-type: ${media ?? '(none)'} is not accepted (official: ${Object.keys(requestBody.content).join(', ')})`);
    return withPrefix(op, apiPath, errors);
  }
  const [key, { schema }] = entry;
  if (schema) {
    if (media === 'multipart/form-data') {
      errors.push(...checkMultipart(input.body, schema));
    } else {
      const fn = compileFor('request', `${op.operationId} ${key}`, schema);
      errors.push(...runValidator(fn, input.body, 'body'));
    }
  }
  return withPrefix(op, apiPath, errors);
}

function isBinary(v: unknown): boolean {
  return typeof v === 'string' || v instanceof Uint8Array || v instanceof ArrayBuffer || isBlob(v);
}

export function validateManageResponse(input: ManageResponseInput): ContractResult {
  const found = findOperation(input.method, input.path);
  if ('error' in found) return { ok: false, errors: [found.error] };
  const { operation: op, apiPath } = found;
  const responses = op.spec.responses;
  const response = responses[String(input.status)] ?? responses[`${String(input.status)[0]}XX`] ?? responses.default;
  if (!response) {
    return withPrefix(op, apiPath, [`status ${input.status}: not documented (official: ${Object.keys(responses).join(', ')})`]);
  }
  const errors: string[] = [];
  const content = response.content ?? {};
  const keys = Object.keys(content);
  if (keys.length === 0) {
    if (hasBody(input.body) && !(input.body instanceof Uint8Array && input.body.length === 0)) {
      errors.push(`body: status ${input.status} is documented without content`);
    }
    return withPrefix(op, apiPath, errors);
  }
  const media = mediaType(input.contentType);
  let key = keys[0] as string;
  if (media !== null) {
    const matching = keys.find((k) => mediaType(k) === media);
    if (matching) key = matching;
    else errors.push(`content-type: ${media} differs from the official ${keys.map((k) => mediaType(k)).join(', ')}`);
  }
  const schema = content[key]?.schema;
  if (schema) {
    if (schema.type === 'string' && schema.format === 'binary') {
      if (!isBinary(input.body)) errors.push('body: expected binary content');
    } else {
      const fn = compileFor('response', `${op.operationId} ${input.status} ${key}`, schema);
      errors.push(...runValidator(fn, input.body, 'body'));
    }
  }
  return withPrefix(op, apiPath, errors);
}

/** The official "Max length" of a schema property (text in its description), if any. */
export function readManageMaxLength(schemaName: string, property: string): number | undefined {
  const prop = (loadDocument().components.schemas[schemaName]?.properties as Record<string, JsonObject> | undefined)?.[property];
  const max = MAX_LENGTH_TEXT.exec(typeof prop?.description === 'string' ? prop.description : '')?.[1];
  return max ? Number(max) : undefined;
}

/** Enum values of a schema property, without the `null` that `nullable` adds. */
export function readManageEnum(schemaName: string, property: string): string[] | undefined {
  const prop = (loadDocument().components.schemas[schemaName]?.properties as Record<string, JsonObject> | undefined)?.[property];
  return Array.isArray(prop?.enum) ? (prop.enum as string[]) : undefined;
}

/** The server base path of the official document (`/v4_6_release/apis/3.0`). */
export function readManageServerBasePath(): string {
  const url = loadDocument().servers?.[0]?.url;
  if (!url) throw new Error('The OpenAPI subset names no server');
  return new URL(url).pathname.replace(/\/$/, '');
}
