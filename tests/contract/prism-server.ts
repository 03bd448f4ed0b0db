/**
 * Runs Stoplight Prism (`prism mock --errors`) over the official OpenAPI subset as a child
 * process. Prism mock serves the operations WITHOUT the server's base path
 * (`/v4_6_release/apis/3.0`): `GET {origin}/system/info` answers, the prefixed path is a 404.
 * So a Manage client pointed at Prism uses the bare origin as its baseUrl.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { MANAGE_OPENAPI_PATH } from '@/tests/support/openapi-contract';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const PRISM_BIN = path.join(repoRoot, 'node_modules/.bin/prism');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 64_000;

export type PrismServer = {
  /** Origin without base path, e.g. http://127.0.0.1:40123 */
  url: string;
  pid: number;
  /** Prism's own log since `mark` (it names every violation it finds). */
  logSince(mark: number): string;
  logMark(): number;
  stop(): Promise<void>;
};

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  // Prism runs in its own process group (detached): signal the group so nothing it started survives.
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      // Bounded even if the exit event never arrives.
      setTimeout(resolve, 2_000).unref();
    }, STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    signalGroup(child, 'SIGTERM');
  });
}

async function probe(url: string): Promise<boolean> {
  try {
    // Any HTTP answer means Prism is routing; a 422 here (no clientId) proves validation is on.
    const res = await fetch(`${url}/system/info`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 422;
  } catch {
    return false;
  }
}

async function startOnce(port: number): Promise<PrismServer> {
  const child = spawn(PRISM_BIN, ['mock', MANAGE_OPENAPI_PATH, '--host', '127.0.0.1', '--port', String(port), '--errors'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  let dropped = 0;
  const append = (d: string) => {
    log += d;
    if (log.length > LOG_LIMIT) {
      dropped += log.length - LOG_LIMIT;
      log = log.slice(-LOG_LIMIT);
    }
  };
  // If the test process ends without afterAll (crash, timeout), do not leave Prism behind.
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  child.stdout?.setEncoding('utf8').on('data', append);
  child.stderr?.setEncoding('utf8').on('data', append);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let spawnFailure: Error | undefined;
  void spawnError.then((e) => {
    spawnFailure = e;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnFailure) throw new Error(`could not run ${PRISM_BIN}: ${spawnFailure.message}`);
    if (child.exitCode !== null) throw new Error(`prism exited with code ${child.exitCode} during start-up:\n${log.slice(-4_000)}`);
    if (await probe(url)) {
      return {
        url,
        pid: child.pid ?? -1,
        logMark: () => dropped + log.length,
        logSince: (mark) => log.slice(Math.max(0, mark - dropped)),
        stop: () => stopChild(child),
      };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopChild(child);
  throw new Error(`prism did not answer at ${url} within ${START_TIMEOUT_MS / 1000} s:\n${log.slice(-4_000)}`);
}

/** Starts Prism on a free loopback port; a lost port race is retried, any other failure throws with Prism's output. */
export async function startPrism(): Promise<PrismServer> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await findFreePort());
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('prism could not start');
}
