/**
 * The reference agent: `npm run press -- --message "Printer jammed" --email a@b.com --screenshot s.png`.
 * Speaks the same API as a desktop agent and prints the ticket number (or the refusal).
 * Server and token default to the running demo (./data/demo.json).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serverEnv } from '../lib/env';

const usage = `usage: npm run press -- --message <text> [--email <address>] [--name <name>]
       [--screenshot <file.png|jpg|webp>]... [--attachment <file>]... [--selection <label>]...
       [--append <text>]... [--hostname <name>] [--server <url>] [--token <agent token>] [--wait <seconds>]
       [--listen [--listen-seconds <n>]]
       npm run press -- --listen     shows this device's ticket notifications as they arrive (Ctrl-C stops)`;

type Status = { id: string; status: string; ticketNumber?: string; message?: string; reason?: string; lastError?: string; attempt?: number; nextAt?: string };

/** How the server starts the reason of a press that only an admin can unblock (lib/presses/needs-admin.ts). */
const NEEDS_ADMIN = 'Needs an admin:';

/** A server message as a sentence: older servers prefixed errors with their class name ("ManageError: ..."). */
function sentence(text: string): string {
  return text.replace(/^[A-Z][A-Za-z]*Error: /, '').trim();
}

/** The report is a page for a signed-in admin; the API URL answers only this agent's token. */
function whereToFollow(server: string, pressId: string): string {
  return [
    `  For admins (sign in): ${server}/presses/${pressId}`,
    `  For agents (Authorization: Bearer <this token>): ${server}/api/v1/presses/${pressId}`,
  ].join('\n');
}

type ApiError = { message?: string; details?: unknown };

/** The server's refusal in words; field problems one per line, never the raw JSON of its details. */
function describeRefusal(status: number, error: ApiError | undefined, what = 'the press'): string {
  const message = error?.message ?? `the server answered ${status} without a reason.`;
  const lead = status === 401 ? 'The server refused the agent token' : status === 413 ? `The server found ${what} too large` : `The server refused ${what} (${status})`;
  const lines = [`${lead}: ${message}`];
  if (Array.isArray(error?.details)) {
    for (const detail of error.details as { path?: unknown; message?: unknown }[]) {
      if (typeof detail?.message === 'string') lines.push(`  - ${typeof detail.path === 'string' && detail.path ? `${detail.path}: ` : ''}${detail.message}`);
    }
  }
  return lines.join('\n');
}

function demoDefaults(): { server?: string; token?: string } {
  const file = path.resolve(serverEnv().DESKBELL_DATA_DIR, 'demo.json');
  if (!fs.existsSync(file)) return {};
  const demo = JSON.parse(fs.readFileSync(file, 'utf8')) as { appUrl?: string; agentToken?: string };
  return { server: demo.appUrl, token: demo.agentToken };
}

function imageType(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') return 'image/png';
  if (ext === '.jpg' || ext === '.jpeg') return 'image/jpeg';
  if (ext === '.webp') return 'image/webp';
  return 'application/octet-stream';
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      message: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      phone: { type: 'string' },
      hostname: { type: 'string' },
      screenshot: { type: 'string', multiple: true, default: [] },
      attachment: { type: 'string', multiple: true, default: [] },
      selection: { type: 'string', multiple: true, default: [] },
      append: { type: 'string', multiple: true, default: [] },
      server: { type: 'string' },
      token: { type: 'string' },
      wait: { type: 'string', default: '60' },
      listen: { type: 'boolean', default: false },
      'listen-seconds': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || (!values.message && !values.listen)) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  const demo = demoDefaults();
  const server = (values.server ?? demo.server ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const token = values.token ?? demo.token;
  if (!token) {
    console.error('No agent token: pass --token, or start `npm run demo` which writes one to ./data/demo.json.');
    return 2;
  }
  const listenUntil = values['listen-seconds'] === undefined ? Infinity : Date.now() + Number(values['listen-seconds']) * 1000;
  if (!values.message) return listen(server, token, listenUntil);

  const press = {
    v: 1,
    name: values.name,
    email: values.email,
    phone: values.phone,
    message: values.message,
    selections: values.selection,
    append: values.append,
    host: {
      hostname: values.hostname ?? os.hostname(),
      username: os.userInfo().username,
      os: `${os.type()} ${os.release()}`,
      agentVersion: 'deskbell-cli/0.1.0',
    },
    screenshots: values.screenshot.map((_, monitor) => ({ capturedAt: new Date().toISOString(), monitor })),
  };
  const form = new FormData();
  form.append('press', new Blob([JSON.stringify(press)], { type: 'application/json' }));
  for (const file of values.screenshot) {
    form.append('screenshot', new Blob([fs.readFileSync(file)], { type: imageType(file) }), path.basename(file));
  }
  for (const file of values.attachment) {
    form.append('attachment', new Blob([fs.readFileSync(file)]), path.basename(file));
  }

  // One key for this press: a retried send after a network error can never make two presses.
  const idempotencyKey = randomUUID();
  const headers = { authorization: `Bearer ${token}`, 'idempotency-key': idempotencyKey };
  let accepted: Response | undefined;
  for (let attempt = 1; attempt <= 3 && !accepted; attempt++) {
    try {
      accepted = await fetch(`${server}/api/v1/presses`, { method: 'POST', headers, body: form });
    } catch (err) {
      if (attempt === 3) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  const body = (await accepted!.json()) as Status & { error?: { message: string; details: unknown } };
  if (!accepted!.ok) {
    console.error(describeRefusal(accepted!.status, body.error));
    return 1;
  }
  console.log(`Press ${body.id} accepted; waiting for the ticket ...`);

  const deadline = Date.now() + Number(values.wait) * 1000;
  let last = body.status;
  let lastAttempt: number | undefined;
  while (Date.now() < deadline) {
    const wait = Math.max(1, Math.min(25, Math.ceil((deadline - Date.now()) / 1000)));
    const res = await fetch(`${server}/api/v1/presses/${body.id}?wait=${wait}`, { headers: { authorization: `Bearer ${token}` } });
    const status = (await res.json()) as Status;
    if (status.status !== last || (status.status === 'retrying' && status.attempt !== lastAttempt)) {
      last = status.status;
      lastAttempt = status.attempt;
      if (status.status === 'retrying') {
        console.log(`No ticket yet: attempt ${status.attempt} failed and Deskbell tries again${status.nextAt ? ` at ${new Date(status.nextAt).toLocaleTimeString()}` : ''}. ${sentence(status.lastError ?? '')}`.trim());
      }
    }
    if (status.status === 'ticket_created') {
      console.log(`Ticket #${status.ticketNumber} created.`);
      return values.listen ? listen(server, token, listenUntil) : 0;
    }
    if (status.status === 'refused') {
      console.log(`Not sent: ${status.message}`);
      return 3;
    }
    if (status.status === 'dead') {
      const reason = sentence(status.reason ?? '');
      if (reason.startsWith(NEEDS_ADMIN)) {
        console.error(`The press is safe but waits for your Deskbell admin. ${reason.slice(NEEDS_ADMIN.length).trim()}`);
      } else {
        console.error(`The press could not be turned into a ticket (${reason}). An admin can retry it once the cause is fixed.`);
      }
      console.error(whereToFollow(server, body.id));
      return 4;
    }
  }
  console.error(`No ticket yet after ${values.wait} s; the press is safe and still ${last === 'retrying' ? 'being retried' : last}.`);
  console.error(whereToFollow(server, body.id));
  return 5;
}

type InboxItem = { id: string; title: string; body: string; ticketNumber: string | null; createdAt: string };

/**
 * The agent inbox: long-poll, show, acknowledge. Acknowledging after showing means a crash in
 * between shows a notification twice rather than never.
 */
async function listen(server: string, token: string, until: number): Promise<number> {
  console.log('Listening for ticket notifications (Ctrl-C to stop) ...');
  const headers = { authorization: `Bearer ${token}` };
  let failures = 0;
  while (Date.now() < until) {
    const wait = Math.max(1, Math.min(25, Math.ceil((until - Date.now()) / 1000)));
    try {
      const res = await fetch(`${server}/api/v1/agent/notifications?wait=${wait}`, { headers });
      const body = (await res.json()) as { notifications?: InboxItem[]; error?: { message: string } };
      if (!res.ok) {
        console.error(describeRefusal(res.status, body.error, 'the notification request'));
        return 1;
      }
      failures = 0;
      const items = body.notifications ?? [];
      for (const item of items) {
        console.log(`\n[${new Date(item.createdAt).toLocaleTimeString()}] ${item.title}\n${item.body}`);
      }
      if (items.length > 0) {
        await fetch(`${server}/api/v1/agent/notifications/ack`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ ids: items.map((i) => i.id) }),
        });
      }
    } catch (err) {
      // The server restarting is not the end of listening: back off and try again.
      failures += 1;
      if (failures === 1) console.error(`The server is not answering (${err instanceof Error ? err.message : String(err)}); retrying ...`);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5))));
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`press failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
