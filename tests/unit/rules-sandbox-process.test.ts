/**
 * The parent's side of the sandbox protocol against misbehaving children (small stand-in
 * scripts run with the sandbox's real flags): the child is untrusted, so bad frames, early
 * exits and silence must end in a clear failure and a dead process, never a hang.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSandboxPaths, type SandboxPaths } from '@/lib/rules/engine/sandbox-paths';
import { SandboxFailure, SandboxProcess } from '@/lib/rules/engine/sandbox-process';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-fake-sandbox-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const FRAME = `const frame = (o) => { const b = Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)); const h = Buffer.alloc(4); h.writeUInt32BE(b.length); process.stdout.write(Buffer.concat([h, b])); };`;

function fakeChild(name: string, body: string): SandboxPaths {
  const script = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(script, `${FRAME}\n${body}\n`);
  return { ...findSandboxPaths(), childScript: script, sandboxDir: dir };
}

function start(paths: SandboxPaths, startTimeoutMs = 10_000) {
  let exited = 0;
  const sandbox = new SandboxProcess({
    paths,
    wrapper: [],
    limits: { heapMb: 128, outputLimitBytes: 1024, cacheSize: 1, maxRequestBytes: 1024 },
    startTimeoutMs,
    maxResponseBytes: 1024,
    onExit: () => exited++,
  });
  return { sandbox, exits: () => exited };
}

async function failureOf(promise: Promise<unknown>): Promise<SandboxFailure> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SandboxFailure);
  return error as SandboxFailure;
}

describe('SandboxProcess against a misbehaving child', () => {
  it('answers a request through length-prefixed frames', async () => {
    const { sandbox } = start(fakeChild('echo', `frame({ ready: true });
let buf = Buffer.alloc(0);
process.stdin.on('data', (c) => { buf = Buffer.concat([buf, c]); const n = buf.readUInt32BE(0); if (buf.length < 4 + n) return; const m = JSON.parse(buf.subarray(4, 4 + n)); buf = buf.subarray(4 + n); frame({ id: m.id, echo: m.op }); });`));
    await sandbox.ready;
    expect(await sandbox.request({ op: 'ping' }, 5_000)).toEqual({ id: 1, echo: 'ping' });
    await sandbox.stop();
  });

  it('refuses a frame over the size limit and kills the child', async () => {
    const { sandbox, exits } = start(fakeChild('huge', `frame({ ready: true }); process.stdin.on('data', () => frame('x'.repeat(5000)));`));
    await sandbox.ready;
    const failure = await failureOf(sandbox.request({ op: 'evaluate' }, 5_000));
    expect(failure.kind).toBe('protocol');
    expect(failure.message).toMatch(/over the 1024-byte limit/);
    await expect.poll(exits).toBe(1);
    expect(sandbox.alive).toBe(false);
  });

  it('refuses an answer to a request that was not asked', async () => {
    const { sandbox } = start(fakeChild('wrong-id', `frame({ ready: true }); process.stdin.on('data', () => frame({ id: 99 }));`));
    await sandbox.ready;
    const failure = await failureOf(sandbox.request({ op: 'evaluate' }, 5_000));
    expect(failure.message).toMatch(/not asked/);
  });

  it('reports a child that dies while starting, with its last error line', async () => {
    const { sandbox, exits } = start(fakeChild('dies', `console.error('pyodide could not load'); process.exit(3);`));
    const failure = await failureOf(sandbox.ready);
    expect(failure.message).toBe('the rule sandbox exited with code 3 while starting: pyodide could not load');
    await expect.poll(exits).toBe(1);
  });

  it('kills a child that never becomes ready', async () => {
    const { sandbox, exits } = start(fakeChild('silent', 'setInterval(() => {}, 1000);'), 300);
    const failure = await failureOf(sandbox.ready);
    expect(failure.message).toMatch(/did not start within 300 ms/);
    await expect.poll(exits).toBe(1);
  });

  it('kills a child that does not answer in time', async () => {
    const { sandbox, exits } = start(fakeChild('stuck', `frame({ ready: true }); process.stdin.on('data', () => {});`));
    await sandbox.ready;
    const failure = await failureOf(sandbox.request({ op: 'evaluate' }, 200));
    expect(failure.kind).toBe('timeout');
    await expect.poll(exits).toBe(1);
    expect((await failureOf(sandbox.request({ op: 'evaluate' }, 200))).message).toMatch(/not running/);
  });

  it('the child sees an empty environment and cannot read outside its folders', async () => {
    const canary = path.join(os.tmpdir(), `deskbell-canary-${process.pid}.txt`);
    fs.writeFileSync(canary, 'secret');
    try {
      const { sandbox } = start(fakeChild('env', `import fs from 'node:fs';
let read; try { fs.readFileSync(${JSON.stringify(canary)}); read = 'read'; } catch (e) { read = e.code; }
frame({ ready: true }); process.stdin.on('data', () => frame({ id: 1, env: process.env, read }));`));
      await sandbox.ready;
      expect(await sandbox.request({}, 5_000)).toEqual({ id: 1, env: {}, read: 'ERR_ACCESS_DENIED' });
      await sandbox.stop();
    } finally {
      fs.rmSync(canary, { force: true });
    }
  });
});
