/**
 * Containment of the real rule sandbox. Two layers are tested:
 * - Python: each escape attempt fails cleanly within the timeout with a clear error, and the
 *   next evaluation still works;
 * - the process: a probe script started with the sandbox's exact flags, environment and
 *   hardening plays the part of rule code that got into JavaScript anyway, and finds nothing
 *   it can read, spawn, signal or connect to.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPythonRuleEngine, type PythonRuleEngine } from '@/lib/rules/engine/python-engine';
import type { RuleVariables } from '@/lib/rules/engine/rule-engine';
import { EMPTY_ENV, findNamespaceWrapper, findSandboxPaths, sandboxNodeArgs } from '@/lib/rules/engine/sandbox-paths';

const TIMEOUT_MS = 1_000;
const OUTPUT_LIMIT = 64 * 1024;
/** Tests that wait for a replacement sandbox include a cold start (several seconds on a busy machine). */
const RESPAWN_TEST_TIMEOUT_MS = 90_000;
const secret = crypto.randomBytes(16).toString('hex');

const press: RuleVariables = {
  priority: '__default__', state: '__default__', team: '__default__', type: '__default__', subtype: '__default__',
  item: '__default__', msg: 'Printer jams', subject: 'Printer jams', source: '__default__', impact: '__default__',
  urgency: '__default__', owner: '__default__', board: 'Help Desk', append: '', priv_append: '', exception: null,
  selections: '', name: 'Dan Jump', email: 'dan@example.xyz', ip: '10.0.0.7', mac: '', hostname: 'ACME-PC-01',
  username: 'dan', os: 'Windows 11', company: 'Acme', registered: true,
};

let engine: PythonRuleEngine;
let tmpDir: string;
let canaryPath: string;

beforeAll(async () => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-sandbox-'));
  canaryPath = path.join(tmpDir, 'canary.txt');
  fs.writeFileSync(canaryPath, secret);
  engine = createPythonRuleEngine({ timeoutMs: TIMEOUT_MS, outputLimitBytes: OUTPUT_LIMIT, heapMb: 256 });
  await engine.warm();
}, 60_000);

afterAll(async () => {
  await engine.close();
  fs.rmSync(tmpDir, { recursive: true, force: true });
});

async function evaluate(source: string) {
  const started = performance.now();
  const run = await engine.evaluate(source, press);
  return { ...run, wallMs: performance.now() - started, text: JSON.stringify(run) };
}

/** The engine is still up and answers the next evaluation correctly. */
async function expectNextEvaluationWorks() {
  const next = await engine.evaluate("board = 'after ' + name\n", press);
  expect(next.error).toBeNull();
  expect(next.after.board).toBe('after Dan Jump');
}

describe('Python-level escapes fail cleanly and the next evaluation works', () => {
  it.each([
    ['import js', 'ImportError'],
    ['import pyodide_js', 'ImportError'],
    ['import pyodide', 'ImportError'],
    ['from pyodide.ffi import to_js', 'ImportError'],
    ['import os\nboard = os.environ.get("HOME")', 'ImportError'],
    ['import subprocess', 'ImportError'],
    ['import socket', 'ImportError'],
    ['import urllib.request', 'ImportError'],
    ['import importlib', 'ImportError'],
    ['import sys\njs = sys.modules["js"]', 'ImportError'],
    ['import builtins', 'ImportError'],
    ["__import__('js')", 'SyntaxError'],
    ['x = type(1).__mro__', 'SyntaxError'],
    ['x = object.__subclasses__()', 'SyntaxError'],
    ['x = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "BuiltinImporter"]', 'SyntaxError'],
    ["x = getattr(object, '__subcl' + 'asses__')()", 'AttributeError'],
    ["x = getattr(print, '__self__')", 'AttributeError'],
    ['g = (x for x in [1])\nf = g.gi_frame.f_globals', 'SyntaxError'],
    ['import json\nc = json.codecs', 'AttributeError'],
    ['from json import codecs', 'AttributeError'],
    ['import random\nr = random._os', 'SyntaxError'],
    ["exec('import js')", 'NameError'],
    ["eval('1')", 'NameError'],
    ["compile('1', 'x', 'eval')", 'NameError'],
    ['globals()', 'NameError'],
    ['vars()', 'NameError'],
    ['breakpoint()', 'NameError'],
    ['import textwrap\ntextwrap.dedent = None', 'AttributeError'],
  ])('%s -> %s', async (source, type) => {
    const run = await evaluate(source);
    expect(run.error?.type).toBe(type);
    expect(run.error?.message).toMatch(/not allowed|not defined|cannot change|invalid syntax/);
    expect(run.after).toEqual(press);
    expect(run.wallMs).toBeLessThan(TIMEOUT_MS);
    await expectNextEvaluationWorks();
  });

  it('format strings cannot name dunder attributes: a format field is an attribute lookup too', async () => {
    const run = await evaluate("subject = '{0.__class__}'.format(1)");
    expect(run.error).toMatchObject({ type: 'AttributeError', message: "access to the attribute '__class__' is not allowed in rules", line: 1 });
    await expectNextEvaluationWorks();
  });
});

describe('the canary file outside Pyodide', () => {
  it('cannot be read by open(), codecs, io or pathlib, and its secret never appears', async () => {
    const attempts = [
      `subject = open(${JSON.stringify(canaryPath)}).read()`,
      `import io\nsubject = io.open(${JSON.stringify(canaryPath)}).read()`,
      `import pathlib\nsubject = pathlib.Path(${JSON.stringify(canaryPath)}).read_text()`,
      `from json import codecs\nsubject = codecs.open(${JSON.stringify(canaryPath)}).read()`,
      `import js\nsubject = js.require('fs').readFileSync(${JSON.stringify(canaryPath)}, 'utf8')`,
    ];
    for (const source of attempts) {
      const run = await evaluate(source);
      expect(run.error, source).not.toBeNull();
      expect(run.text).not.toContain(secret);
    }
    await expectNextEvaluationWorks();
  });
});

describe('resource limits', () => {
  it('an infinite loop is killed at the timeout, the process is replaced, and the next evaluation works', async () => {
    const restarts = engine.stats().restarts;
    const run = await evaluate('while True:\n    pass\n');
    expect(run.error).toEqual({ type: 'TimeoutError', message: `the rules ran longer than ${TIMEOUT_MS} ms and were stopped`, line: null });
    expect(run.after).toEqual(press);
    expect(run.wallMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(run.wallMs).toBeLessThan(TIMEOUT_MS + 1_000);
    await expectNextEvaluationWorks();
    // The warm spare answered at once; the killed process is reported once it has exited.
    await expect.poll(() => engine.stats().restarts).toBe(restarts + 1);
    expect(engine.stats().processes).toBe(2);
  }, RESPAWN_TEST_TIMEOUT_MS);

  it("'x' * 10**10 and a 1 GB string fail with a clean error", async () => {
    const huge = await evaluate("s = 'x' * 10**10");
    expect(huge.error?.type).toBe('OverflowError');
    const gigabyte = await evaluate("s = 'x' * 10**9");
    expect(gigabyte.error).toMatchObject({ type: 'MemoryError', line: 1 });
    await expectNextEvaluationWorks();
  });

  it('a rule that grows the Python heap past half the cap still gets its result, then its process is replaced', async () => {
    // What is checked here is the heap cap, not the time limit: building 150 MB can pass 1 s on
    // two busy cores, so this rule gets an engine of its own with a generous timeout.
    const heapEngine = createPythonRuleEngine({ timeoutMs: 20_000, outputLimitBytes: OUTPUT_LIMIT, heapMb: 256 });
    try {
      await heapEngine.warm();
      const restarts = heapEngine.stats().restarts;
      const run = await heapEngine.evaluate("s = 'x' * 150_000_000\nboard = str(len(s))", press);
      expect(run.error).toBeNull();
      expect(run.after.board).toBe('150000000');
      const next = await heapEngine.evaluate("board = 'after ' + name\n", press);
      expect(next.error).toBeNull();
      expect(next.after.board).toBe('after Dan Jump');
      await expect.poll(() => heapEngine.stats().restarts, { timeout: 60_000 }).toBe(restarts + 1);
    } finally {
      await heapEngine.close();
    }
  }, RESPAWN_TEST_TIMEOUT_MS);

  it('deep recursion raises RecursionError', async () => {
    const run = await evaluate('def f(n):\n    return f(n + 1)\nf(0)\n');
    expect(run.error).toMatchObject({ type: 'RecursionError', line: 2 });
    const nested = await evaluate("import json\njson.loads('[' * 100000)");
    expect(nested.error?.type).toBe('RecursionError');
    await expectNextEvaluationWorks();
  }, RESPAWN_TEST_TIMEOUT_MS);

  it('10 MB of print is cut to the output bound with a note, and the result still comes back', async () => {
    for (const source of ["print('x' * 10_000_000)\nboard = 'printed'", "for i in range(100_000):\n    print('y' * 99)\nboard = 'printed'"]) {
      const run = await evaluate(source);
      expect(run.error).toBeNull();
      expect(run.after.board).toBe('printed');
      expect(run.output.endsWith(`\n[output truncated at ${OUTPUT_LIMIT} bytes]`)).toBe(true);
      expect(Buffer.byteLength(run.output)).toBeLessThan(OUTPUT_LIMIT + 100);
    }
    await expectNextEvaluationWorks();
  });
});

type ProbeResult = Record<string, string>;

/** Runs `probe` with the sandbox's own flags, hardening and empty environment; returns what each attempt got. */
async function runProbe(wrapper: string[], port: number): Promise<ProbeResult> {
  const real = findSandboxPaths();
  const probeDir = fs.mkdtempSync(path.join(tmpDir, 'probe-'));
  fs.copyFileSync(path.join(real.sandboxDir, 'harden.mjs'), path.join(probeDir, 'harden.mjs'));
  const script = path.join(probeDir, 'probe.mjs');
  fs.writeFileSync(
    script,
    `import { hardenProcess } from './harden.mjs';
hardenProcess();
const results = {};
const attempt = async (name, fn) => {
  try { results[name] = 'ALLOWED ' + String(await fn()).slice(0, 200); }
  catch (e) { results[name] = 'DENIED ' + (e.code ?? e.name); }
};
const fs = await import('node:fs');
await attempt('readCanary', () => fs.readFileSync(${JSON.stringify(canaryPath)}, 'utf8'));
await attempt('readEnviron', () => fs.readFileSync('/proc/self/environ', 'utf8'));
await attempt('readParentEnviron', () => fs.readFileSync('/proc/' + process.ppid + '/environ', 'utf8'));
await attempt('writeFile', () => fs.writeFileSync(${JSON.stringify(path.join(tmpDir, 'written.txt'))}, 'x'));
await attempt('spawn', async () => (await import('node:child_process')).execSync('id').toString());
await attempt('worker', async () => new (await import('node:worker_threads')).Worker('1', { eval: true }));
await attempt('addon', () => process.dlopen({ exports: {} }, '/nonexistent.node'));
await attempt('binding', () => process.binding('fs'));
await attempt('killParent', () => process.kill(process.ppid, 0));
await attempt('evalCode', () => new Function('return 1')());
await attempt('fetch', () => fetch('http://127.0.0.1:${port}/'));
await attempt('connect', async () => new Promise((resolve, reject) => {
  const s = (process.getBuiltinModule ? process.getBuiltinModule('node:net') : null).connect(${port}, '127.0.0.1');
  s.on('connect', () => resolve('connected')); s.on('error', reject);
}));
await attempt('dns', async () => (await import('node:dns')).promises.lookup('localhost'));
await attempt('udp', async () => (await import('node:dgram')).createSocket('udp4').send('x', ${port}, '127.0.0.1'));
await attempt('inspector', async () => (await import('node:inspector')).open(0));
results.env = JSON.stringify(process.env);
process.stdout.write(JSON.stringify(results));
`,
  );
  const args = sandboxNodeArgs({ ...real, sandboxDir: probeDir, childScript: script }, { heapMb: 128, outputLimitBytes: 1024, cacheSize: 1, maxRequestBytes: 1024 });
  const [command, ...prefix] = wrapper.length > 0 ? wrapper : [process.execPath];
  const argv = wrapper.length > 0 ? [...prefix, process.execPath, ...args] : args;
  const child = spawn(command as string, argv, { env: EMPTY_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(code, err).toBe(0);
  return JSON.parse(out) as ProbeResult;
}

describe('the process boundary, if code ever got from Python into JavaScript', () => {
  let server: net.Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    server.on('connection', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('with the JavaScript hardening alone: nothing outside Pyodide is readable, no process, no signal, no network, empty env', async () => {
    const result = await runProbe([], port);
    const denied = ['readCanary', 'readEnviron', 'readParentEnviron', 'writeFile', 'spawn', 'worker', 'addon', 'binding', 'killParent', 'evalCode', 'fetch', 'connect', 'dns', 'udp', 'inspector'];
    for (const name of denied) expect(result[name], name).toMatch(/^DENIED /);
    expect(result.env).toBe('{}');
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(fs.existsSync(path.join(tmpDir, 'written.txt'))).toBe(false);
    expect(connections).toBe(0);
  }, 30_000);

  it('inside the network namespace too, where the host supports it', async (ctx) => {
    const wrapper = await findNamespaceWrapper();
    if (wrapper.length === 0) {
      // A skip, not a pass: the reporter shows that this layer was not checked here, and why.
      const reason = 'user namespaces are not available here: the sandbox relies on the JavaScript network block';
      console.warn(`[rules] ${reason}`);
      ctx.skip(reason);
    }
    const result = await runProbe(wrapper, port);
    for (const name of ['readCanary', 'spawn', 'killParent', 'connect', 'fetch']) expect(result[name], name).toMatch(/^DENIED /);
    expect(result.env).toBe('{}');
    expect(connections).toBe(0);
  }, 30_000);
});
