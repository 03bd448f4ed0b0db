import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit-log';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { AdminUsersTable } from '@/lib/store/schema';
import { burnPasswordCheck, checkPasswordStrength, hashPassword, verifyPassword } from './passwords';

export type AdminUser = {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
  lastLoginAt: string | null;
  disabledAt: string | null;
  hasPassword: boolean;
  /** Session tokens issued under another generation are refused (see endAdminSessions). */
  sessionGeneration: number;
};

/** A refusal an admin can act on (duplicate email, weak password, last admin). */
export class AdminUserError extends Error {
  constructor(
    readonly field: 'email' | 'name' | 'password' | 'user',
    message: string,
  ) {
    super(message);
    this.name = 'AdminUserError';
  }
}

const emailSchema = z.email({ message: 'Enter a valid email address, like you@example.com.' }).max(254);
const nameSchema = z.string().trim().max(100, 'A name is at most 100 characters.');

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function parseAdminEmail(email: string): string {
  const result = emailSchema.safeParse(normalizeEmail(email));
  if (!result.success) throw new AdminUserError('email', result.error.issues[0]?.message ?? 'Enter a valid email address.');
  return result.data;
}

function parseName(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  const result = nameSchema.safeParse(name);
  if (!result.success) throw new AdminUserError('name', result.error.issues[0]?.message ?? 'The name is not valid.');
  return result.data === '' ? null : result.data;
}

function requireStrongPassword(password: string, email: string): void {
  const check = checkPasswordStrength(password, { email });
  if (!check.ok) throw new AdminUserError('password', check.message);
}

function toAdminUser(row: AdminUsersTable): AdminUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    disabledAt: row.disabled_at,
    hasPassword: row.password_hash !== null,
    sessionGeneration: row.session_generation,
  };
}

export async function hasAnyAdmin(db: DeskbellDatabase): Promise<boolean> {
  const row = await db.selectFrom('admin_users').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function listAdminUsers(db: DeskbellDatabase): Promise<AdminUser[]> {
  const rows = await db.selectFrom('admin_users').selectAll().orderBy('email').execute();
  return rows.map(toAdminUser);
}

export async function findAdminByEmail(db: DeskbellDatabase, email: string): Promise<AdminUser | null> {
  const row = await db.selectFrom('admin_users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  return row ? toAdminUser(row) : null;
}

/** The user behind a session, or null once disabled or deleted: that is what ends a session. */
export async function findActiveAdminById(db: DeskbellDatabase, id: string): Promise<AdminUser | null> {
  const row = await db
    .selectFrom('admin_users')
    .selectAll()
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return row ? toAdminUser(row) : null;
}

export type NewAdminUser = { email: string; name?: string | null; password: string | null };

/**
 * Creates an admin. `password: null` makes an OIDC-only user. Checks run before anything is
 * written, so a refused password never consumes a setup code in the caller's transaction.
 */
export async function createAdminUser(db: DeskbellDatabase, input: NewAdminUser, actor: string): Promise<AdminUser> {
  const email = parseAdminEmail(input.email);
  const name = parseName(input.name);
  if (input.password !== null) requireStrongPassword(input.password, email);
  if (await findAdminByEmail(db, email)) throw new AdminUserError('email', `An admin with the email ${email} already exists.`);
  const row: AdminUsersTable = {
    id: randomUUID(),
    email,
    name,
    password_hash: input.password === null ? null : await hashPassword(input.password),
    created_at: new Date().toISOString(),
    last_login_at: null,
    disabled_at: null,
    session_generation: 0,
  };
  await db.insertInto('admin_users').values(row).execute();
  await recordAudit(db, {
    actor,
    action: 'admin.user.created',
    target: email,
    details: { name, signIn: input.password === null ? 'oidc' : 'password' },
  });
  return toAdminUser(row);
}

/** The user when the email and password match an enabled admin; null otherwise, in about the same time. */
export async function verifyAdminPassword(db: DeskbellDatabase, email: string, password: string): Promise<AdminUser | null> {
  const row = await db.selectFrom('admin_users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  if (!row || row.password_hash === null || row.disabled_at !== null) return burnPasswordCheck(password).then(() => null);
  return (await verifyPassword(password, row.password_hash)) ? toAdminUser(row) : null;
}

export async function recordAdminLogin(db: DeskbellDatabase, id: string): Promise<void> {
  await db.updateTable('admin_users').set({ last_login_at: new Date().toISOString() }).where('id', '=', id).execute();
}

async function requireUser(db: DeskbellDatabase, email: string): Promise<AdminUser> {
  const user = await findAdminByEmail(db, email);
  if (!user) throw new AdminUserError('user', `No admin has the email ${normalizeEmail(email)}.`);
  return user;
}

/** Disabling ends the user's sessions at their next request. The last enabled admin stays. */
export async function disableAdminUser(db: DeskbellDatabase, email: string, actor: string): Promise<AdminUser> {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, email);
    if (user.disabledAt) return user;
    const others = await trx
      .selectFrom('admin_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('disabled_at', 'is', null)
      .where('id', '!=', user.id)
      .executeTakeFirstOrThrow();
    if (Number(others.n) === 0) {
      throw new AdminUserError('user', `${user.email} is the only enabled admin; create or enable another admin first.`);
    }
    const disabledAt = new Date().toISOString();
    await trx.updateTable('admin_users').set({ disabled_at: disabledAt }).where('id', '=', user.id).execute();
    await recordAudit(trx, { actor, action: 'admin.user.disabled', target: user.email });
    return { ...user, disabledAt };
  });
}

export async function enableAdminUser(db: DeskbellDatabase, email: string, actor: string): Promise<AdminUser> {
  const user = await requireUser(db, email);
  if (!user.disabledAt) return user;
  await db.updateTable('admin_users').set({ disabled_at: null }).where('id', '=', user.id).execute();
  await recordAudit(db, { actor, action: 'admin.user.enabled', target: user.email });
  return { ...user, disabledAt: null };
}

/**
 * A new password also ends every session the admin has, on every device: the session
 * generation goes up in the same statement, and each token is checked against it on its
 * next request. Whoever knew the old password is signed out with it.
 */
export async function resetAdminPassword(db: DeskbellDatabase, email: string, password: string, actor: string): Promise<void> {
  const user = await requireUser(db, email);
  requireStrongPassword(password, user.email);
  const passwordHash = await hashPassword(password);
  await db
    .updateTable('admin_users')
    .set((eb) => ({ password_hash: passwordHash, session_generation: eb('session_generation', '+', 1) }))
    .where('id', '=', user.id)
    .execute();
  await recordAudit(db, { actor, action: 'admin.user.password_reset', target: user.email, details: { sessionsEnded: true } });
}
