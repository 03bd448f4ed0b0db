import 'server-only';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the sandbox child and Pyodide live on disk. The child is a plain .mjs file that `node`
 * runs directly, so it must be found as a real file whether this module runs under vitest/tsx
 * (source tree) or inside a Next.js server bundle (where import.meta.url points into .next/).
 * Both `npm start` and the tests run from the app's root, so the paths are resolved from
 * process.cwd(); Pyodide is looked up the way Node resolves packages, walking up from there.
 * next.config.mjs lists the folder in outputFileTracingIncludes so a traced build keeps it.
 */
export type SandboxPaths = { childScript: string; sandboxDir: string; pyodideDir: string };

export const SANDBOX_DIR = path.join('lib', 'rules', 'engine', 'sandbox');
const CHILD_FILE = 'sandbox-child.mjs';

export function findSandboxPaths(root: string = process.cwd()): SandboxPaths {
  const sandboxDir = path.join(root, SANDBOX_DIR);
  const childScript = path.join(sandboxDir, CHILD_FILE);
  if (!fs.existsSync(childScript)) {
    throw new Error(`The rule sandbox is missing: ${childScript} was not found (start Deskbell from its install folder)`);
  }
  let dir = root;
  for (let depth = 0; depth < 32; depth++) {
    const candidate = path.join(dir, 'node_modules', 'pyodide');
    if (fs.existsSync(path.join(candidate, 'pyodide.mjs'))) {
      // The permission model compares real paths: grant the target of any symlink.
      return { childScript: fs.realpathSync(childScript), sandboxDir: fs.realpathSync(sandboxDir), pyodideDir: fs.realpathSync(candidate) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`Pyodide was not found in node_modules above ${root}; run npm install`);
}

export type SandboxLimits = {
  heapMb: number;
  outputLimitBytes: number;
  cacheSize: number;
  maxRequestBytes: number;
  /** The child exits after answering one evaluation (the rules-test pool). */
  retireAfterEvaluate?: boolean;
};

/** The `node` arguments that start a sandbox: permission model, read access to two folders, heap cap. */
export function sandboxNodeArgs(paths: SandboxPaths, limits: SandboxLimits, script: string = paths.childScript): string[] {
  const config = {
    pyodideDir: paths.pyodideDir,
    wasmBytes: limits.heapMb * 1024 * 1024,
    outputLimitBytes: limits.outputLimitBytes,
    cacheSize: limits.cacheSize,
    maxRequestBytes: limits.maxRequestBytes,
    retireAfterEvaluate: limits.retireAfterEvaluate === true,
  };
  return [
    '--experimental-permission',
    `--allow-fs-read=${paths.pyodideDir}`,
    `--allow-fs-read=${paths.sandboxDir}`,
    `--max-old-space-size=${limits.heapMb}`,
    '--disallow-code-generation-from-strings',
    '--disable-warning=ExperimentalWarning',
    script,
    JSON.stringify(config),
  ];
}

const UNSHARE = '/usr/bin/unshare';
/** Sandboxes get no environment at all; the cast only satisfies Next's typing of NODE_ENV. */
export const EMPTY_ENV = {} as NodeJS.ProcessEnv;
let namespaceProbe: Promise<string[]> | undefined;

/**
 * Node 20's permission model does not cover the network. Where unprivileged user namespaces
 * work (most Linux hosts; not inside Docker's default seccomp profile), the child starts in a
 * new network namespace with no interfaces, so no socket can reach anything even if code got
 * past the JavaScript-level block in harden.mjs. Probed once; [] means "start node directly".
 */
export function findNamespaceWrapper(): Promise<string[]> {
  namespaceProbe ??= new Promise((resolve) => {
    const wrapper = [UNSHARE, '--user', '--net', '--'];
    if (process.platform !== 'linux' || !fs.existsSync(UNSHARE)) {
      resolve([]);
      return;
    }
    const probe = spawn(UNSHARE, [...wrapper.slice(1), process.execPath, '-e', ''], { env: EMPTY_ENV, stdio: 'ignore' });
    const timer = setTimeout(() => probe.kill('SIGKILL'), 5_000);
    probe.on('error', () => {
      clearTimeout(timer);
      resolve([]);
    });
    probe.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? wrapper : []);
    });
  });
  return namespaceProbe;
}
