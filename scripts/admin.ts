/**
 * `npm run admin -- create --email a@b.c [--name "Ann Admin"] [--password-stdin]`
 * | `list` | `disable <email>` | `enable <email>` | `reset-password <email> [--password-stdin]`.
 * Talks to the same database the app uses (DATABASE_URL, else the running `npm run demo`'s,
 * else DESKBELL_DATA_DIR's) and says which on stderr. Passwords are
 * asked on the terminal without echo, or read from stdin for scripts; never from arguments,
 * which other users of the machine can read in the process list.
 */
import { parseArgs } from 'node:util';
import {
  AdminUserError,
  createAdminUser,
  disableAdminUser,
  enableAdminUser,
  listAdminUsers,
  resetAdminPassword,
} from '../lib/auth/admin-users';
import { openCliDatabase } from './lib/cli-database';

const usage = `usage:
  npm run admin -- create --email <email> [--name <name>] [--password-stdin]
  npm run admin -- list
  npm run admin -- disable <email>
  npm run admin -- enable <email>
  npm run admin -- reset-password <email> [--password-stdin]`;

const ACTOR = 'cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new Error('No terminal to ask for the password on; pipe it in with --password-stdin.'));
  process.stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  const password = await askHidden('New password (at least 12 characters): ');
  const again = await askHidden('The same password again: ');
  if (password !== again) throw new AdminUserError('password', 'The two passwords are not the same.');
  return password;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  });
  const [command, target] = positionals;
  const fromStdin = values['password-stdin'] === true;
  const db = await openCliDatabase();
  try {
    switch (command) {
      case 'create': {
        if (!values.email) {
          console.error(`--email is required.\n${usage}`);
          return 2;
        }
        const password = await readNewPassword(fromStdin);
        const user = await createAdminUser(db, { email: values.email, name: values.name ?? null, password }, ACTOR);
        console.log(`Created admin ${user.email}. Sign in at /login.`);
        return 0;
      }
      case 'list': {
        const users = await listAdminUsers(db);
        if (users.length === 0) console.log('No admins yet.');
        for (const u of users) {
          const state = u.disabledAt ? `disabled ${u.disabledAt}` : `enabled, last sign-in ${u.lastLoginAt ?? 'never'}`;
          console.log(`${u.email}  ${u.name ?? ''}  (${u.hasPassword ? 'password' : 'OIDC only'}; ${state})`);
        }
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!target) {
          console.error(usage);
          return 2;
        }
        const user = command === 'disable' ? await disableAdminUser(db, target, ACTOR) : await enableAdminUser(db, target, ACTOR);
        console.log(`${user.email} is ${user.disabledAt ? 'disabled: their sessions end at their next request' : 'enabled'}.`);
        return 0;
      }
      case 'reset-password': {
        if (!target) {
          console.error(usage);
          return 2;
        }
        await resetAdminPassword(db, target, await readNewPassword(fromStdin), ACTOR);
        console.log(`Set a new password for ${target.trim().toLowerCase()}.`);
        return 0;
      }
      default:
        console.error(usage);
        return 2;
    }
  } catch (err) {
    if (err instanceof AdminUserError) {
      console.error(err.message);
      return 1;
    }
    throw err;
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
