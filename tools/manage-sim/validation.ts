/** Request-body validation helpers: zod schemas in Manage's terms, and reference lookup. */
import { z } from 'zod';
import { badRequest, invalidObject, notFound, zodIssuesToFieldErrors } from './errors';
import type { SimCollection, SimRecord } from './store';

/** A reference as clients send it: `{id}` or, for some, `{name}` / `{identifier}`. */
export const refInput = z.object({
  id: z.number().int().nullish(),
  name: z.string().nullish(),
  identifier: z.string().nullish(),
});
export type RefInput = z.infer<typeof refInput>;

/** Optional string with Manage's documented maximum length ("Max length: N;"). */
export const maxText = (max: number) => z.string().max(max).nullish();
export const text = z.string().nullish();
export const flag = z.boolean().nullish();

export function parseBody<S extends z.ZodType>(schema: S, body: unknown, resource: string): z.output<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${resource} object is invalid`);
  }
  const result = schema.safeParse(body, { reportInput: true });
  if (!result.success) throw invalidObject(resource, zodIssuesToFieldErrors(resource, result.error.issues));
  return result.data;
}

/** True when a reference carries nothing to look up (absent, null or `{}`). */
export function isEmptyRef(ref: RefInput | null | undefined): ref is null | undefined {
  return !ref || (ref.id == null && !ref.name && !ref.identifier);
}

/**
 * Finds the record a reference points at: by id when given, else by name/identifier
 * (case-insensitive, as Manage matches names).
 */
export function findByRef<T extends { id: number; name?: unknown; identifier?: unknown }>(
  ref: RefInput,
  candidates: readonly T[],
): T | undefined {
  if (ref.id != null) return candidates.find((c) => c.id === ref.id);
  if (ref.identifier) {
    const wanted = ref.identifier.toLowerCase();
    return candidates.find((c) => typeof c.identifier === 'string' && c.identifier.toLowerCase() === wanted);
  }
  if (ref.name) {
    const wanted = ref.name.toLowerCase();
    return candidates.find((c) => typeof c.name === 'string' && c.name.toLowerCase() === wanted);
  }
  return undefined;
}

export function describeRef(ref: RefInput): string {
  if (ref.id != null) return `id ${ref.id}`;
  if (ref.identifier) return `identifier '${ref.identifier}'`;
  return `name '${ref.name ?? ''}'`;
}

/** Drops undefined values so stored records hold only fields that are set. */
export function compact<T extends Record<string, unknown>>(record: T): T {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}

export function parseId(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) return null;
  const id = Number(raw);
  return id > 0 && id <= 2_147_483_647 ? id : null;
}

/** The record a path id names, or Manage's 404 ("Ticket 123 not found"). */
export function recordOr404<T extends SimRecord>(collection: SimCollection<T>, raw: string | undefined, label: string): T {
  const id = parseId(raw);
  const record = id === null ? undefined : collection.get(id);
  if (!record) throw notFound(`${label} ${raw ?? ''} not found`);
  return record;
}
