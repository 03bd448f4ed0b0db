/** Starts tests/bench/sim-process.ts as a child process and talks to its /__sim admin API. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';

const repoRoot = path.resolve(import.meta.dirname, '../..');

const readySchema = z.object({
  url: z.url(),
  baseUrl: z.url(),
  credentials: z.object({ companyId: z.string(), publicKey: z.string(), privateKey: z.string(), clientId: z.string() }),
});

export type SimChild = z.infer<typeof readySchema> & {
  pid: number;
  /** Number of API requests the simulator has recorded since the last clear. */
  countRequests(): Promise<number>;
  listRequests(): Promise<{ method: string; path: string }[]>;
  clearRequests(): Promise<void>;
  stop(): Promise<void>;
};

const START_TIMEOUT_MS = 30_000;

export async function startSimChild(): Promise<SimChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tests/bench/sim-process.ts')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4_000);
  });
  const ready = await new Promise<z.infer<typeof readySchema>>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => fail(new Error(`simulator child did not start within ${START_TIMEOUT_MS} ms\n${stderr}`)), START_TIMEOUT_MS);
    function fail(err: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    }
    child.once('exit', (code) => fail(new Error(`simulator child exited with code ${code}\n${stderr}`)));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      const parsed = readySchema.safeParse(JSON.parse(buffer.slice(0, newline)));
      if (parsed.success) resolve(parsed.data);
      else fail(new Error(`simulator child printed an unexpected ready line: ${parsed.error.message}`));
    });
  });

  const admin = async (method: string, suffix: string): Promise<unknown> => {
    const res = await fetch(`${ready.url}/__sim/${suffix}`, { method, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`simulator admin ${method} /__sim/${suffix} answered ${res.status}`);
    return res.status === 204 ? null : res.json();
  };
  const listRequests = async () => {
    const body = await admin('GET', 'requests');
    const records = Array.isArray(body) ? body : z.object({ requests: z.array(z.unknown()) }).parse(body).requests;
    return z.array(z.object({ method: z.string(), path: z.string() })).parse(records);
  };

  return {
    ...ready,
    pid: child.pid ?? -1,
    listRequests,
    countRequests: async () => (await listRequests()).filter((r) => !r.path.startsWith('/__sim')).length,
    clearRequests: async () => {
      await admin('DELETE', 'requests');
    },
    stop: () => stopChild(child),
  };
}

/** Ends a benchmark child: close its stdin, SIGTERM, and SIGKILL if it is still there after graceMs. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}
