/**
 * `npm run agent-token -- create --name "Front desk PCs"` | `list` | `revoke <id or prefix>`.
 * Talks to the same database the app uses (DATABASE_URL, else the running `npm run demo`'s,
 * else DESKBELL_DATA_DIR's) and says which on stderr.
 */
import { parseArgs } from 'node:util';
import { createAgentToken, listAgentTokens, revokeAgentToken } from '../lib/auth/agent-tokens';
import { openCliDatabase } from './lib/cli-database';

const usage = `usage:
  npm run agent-token -- create --name <name>
  npm run agent-token -- list
  npm run agent-token -- revoke <id or prefix>`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { name: { type: 'string' } },
  });
  const [command, target] = positionals;
  const db = await openCliDatabase();
  try {
    switch (command) {
      case 'create': {
        if (!values.name) {
          console.error(`--name is required.\n${usage}`);
          return 2;
        }
        const { token, agentToken } = await createAgentToken(db, values.name);
        console.log(`Created agent token "${agentToken.name}" (${agentToken.id}).`);
        console.log(`\n  ${token}\n`);
        console.log('Copy it now: it is shown only once. Agents send it as "Authorization: Bearer <token>".');
        return 0;
      }
      case 'list': {
        const tokens = await listAgentTokens(db);
        if (tokens.length === 0) console.log('No agent tokens yet.');
        for (const t of tokens) {
          const state = t.revokedAt ? `revoked ${t.revokedAt}` : `active, last used ${t.lastUsedAt ?? 'never'}`;
          console.log(`${t.id}  ${t.prefix}…  ${t.name}  (${state})`);
        }
        return 0;
      }
      case 'revoke': {
        if (!target) {
          console.error(usage);
          return 2;
        }
        const revoked = await revokeAgentToken(db, target);
        console.log(revoked ? `Revoked ${target}.` : `No active token matches ${target}.`);
        return revoked ? 0 : 1;
      }
      default:
        console.error(usage);
        return 2;
    }
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
