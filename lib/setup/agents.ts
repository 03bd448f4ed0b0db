import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import { createAgentToken, listAgentTokens, revokeAgentToken, type AgentToken } from '@/lib/auth/agent-tokens';
import type { DeskbellDatabase } from '@/lib/store/database';
import { deskbellPublicUrl } from '@/lib/env';

/**
 * Step 6: agent tokens. A token is returned once, with the two ways to use it (the web
 * press page link and the CLI agent command); the audit log records the token's id, name
 * and display prefix, never the token.
 */

export type CreatedAgentToken = {
  agentToken: AgentToken;
  /** Shown once; only its SHA-256 is stored. */
  token: string;
  pressLink: string;
  cliCommand: string;
};

/** The press page reads the token from the #fragment, which browsers never send to servers or logs. */
export function pressLinkFor(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/press#token=${encodeURIComponent(token)}`;
}

export function cliCommandFor(publicUrl: string, token: string): string {
  return `npm run press -- --server ${publicUrl.replace(/\/$/, '')} --token ${token} --message "The printer is jammed"`;
}

export async function createAgentTokenForAdmin(db: DeskbellDatabase, input: { name: string }, actor: string): Promise<CreatedAgentToken> {
  const name = input.name.trim();
  if (name === '' || name.length > 100) {
    throw new DeskbellApiError('unprocessable_entity', 'Give the token a name of 1 to 100 characters.', [
      { path: 'name', message: 'Give the token a name of 1 to 100 characters, for example the customer or the computer it is for.' },
    ]);
  }
  const { token, agentToken } = await createAgentToken(db, name);
  await recordAudit(db, {
    actor,
    action: 'agent_token.created',
    target: agentToken.id,
    details: { name: agentToken.name, prefix: agentToken.prefix },
  });
  const publicUrl = deskbellPublicUrl();
  return { agentToken, token, pressLink: pressLinkFor(publicUrl, token), cliCommand: cliCommandFor(publicUrl, token) };
}

export async function revokeAgentTokenForAdmin(db: DeskbellDatabase, id: string, actor: string): Promise<AgentToken> {
  const token = (await listAgentTokens(db)).find((t) => t.id === id);
  if (!token) throw new DeskbellApiError('not_found', 'There is no agent token with that id.');
  if (token.revokedAt) throw new DeskbellApiError('conflict', `The token "${token.name}" was already revoked.`);
  if (!(await revokeAgentToken(db, id))) throw new DeskbellApiError('conflict', `The token "${token.name}" was already revoked.`);
  await recordAudit(db, { actor, action: 'agent_token.revoked', target: id, details: { name: token.name, prefix: token.prefix } });
  const revoked = (await listAgentTokens(db)).find((t) => t.id === id);
  return revoked ?? token;
}

export async function listAgentTokensForAdmin(db: DeskbellDatabase): Promise<AgentToken[]> {
  return listAgentTokens(db);
}
