/**
 * Who pressed, by name. A press often carries only an email (the agent knows the signed-in
 * address, not the person's name); the Manage contact that email matched then names them.
 * The unregistered catch-all contact is never the person, so its name is never used.
 * Pure and browser-safe: the pipeline (rules' `name`), notifications, the pod and the
 * dashboard all ask this one function.
 */
export type MatchedContactName = { registered: boolean; name?: string | null } | null | undefined;

export function personName(typed: string | null | undefined, contact: MatchedContactName): string | null {
  const own = typed?.trim();
  if (own) return own;
  if (!contact?.registered) return null;
  return contact.name?.trim() || null;
}
