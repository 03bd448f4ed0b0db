import 'server-only';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { EMPTY_ENV, sandboxNodeArgs, type SandboxLimits, type SandboxPaths } from './sandbox-paths';

/** Why a request got no answer: the rule ran too long, or the process died or misbehaved. */
export class SandboxFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'crashed' | 'protocol' | 'start',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxFailure';
  }
}

export type SandboxProcessOptions = {
  paths: SandboxPaths;
  limits: SandboxLimits;
  /** Prefix such as `unshare --user --net --` (see findNamespaceWrapper), or []. */
  wrapper: string[];
  startTimeoutMs: number;
  /** Largest frame accepted from the child; the child is untrusted, its sizes are not. */
  maxResponseBytes: number;
  /** Called once when the process is gone, for whatever reason. */
  onExit: () => void;
};

type InFlight = { id: number; resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

const STDERR_TAIL_BYTES = 4096;

/** One sandbox child: spawn, length-prefixed JSON frames both ways, one request in flight. */
export class SandboxProcess {
  readonly ready: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Buffer = Buffer.alloc(0);
  private inFlight: InFlight | null = null;
  private nextId = 1;
  private stderrTail = '';
  private exited = false;
  private retired = false;
  private readonly startedAt = performance.now();
  /** Spawn to ready, in milliseconds; set once ready. */
  startMs: number | null = null;

  constructor(private readonly options: SandboxProcessOptions) {
    const args = sandboxNodeArgs(options.paths, options.limits);
    const [command, ...prefix] = options.wrapper.length > 0 ? options.wrapper : [process.execPath];
    const argv = options.wrapper.length > 0 ? [...prefix, process.execPath, ...args] : args;
    // An EMPTY environment: no secret of the server's is ever visible to rule code.
    this.child = spawn(command as string, argv, { env: EMPTY_ENV, stdio: ['pipe', 'pipe', 'pipe'], cwd: options.paths.sandboxDir });
    let markReady!: () => void;
    let failStart!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    // Nobody may be awaiting `ready` when the process dies early; that is reported through onExit.
    this.ready.catch(() => {});
    let isReady = false;
    const startTimer = setTimeout(() => {
      failStart(new SandboxFailure('start', `the rule sandbox did not start within ${options.startTimeoutMs} ms`));
      this.kill();
    }, options.startTimeoutMs);

    this.child.stdout.on('data', (chunk: Buffer) => {
      try {
        for (const frame of this.readFrames(chunk)) {
          if (!isReady) {
            if ((frame as { ready?: unknown }).ready !== true) throw new SandboxFailure('protocol', 'the rule sandbox sent an answer before it was ready');
            isReady = true;
            this.startMs = performance.now() - this.startedAt;
            clearTimeout(startTimer);
            markReady();
          } else {
            this.settle(frame);
          }
        }
      } catch (error) {
        this.fail(error instanceof SandboxFailure ? error : new SandboxFailure('protocol', 'the rule sandbox sent a malformed answer'));
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // A write to a child that just died must not become an unhandled 'error' event.
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error) => {
      clearTimeout(startTimer);
      failStart(new SandboxFailure('start', `the rule sandbox could not be started: ${error.message}`));
      this.markExited(`could not be started: ${error.message}`);
    });
    this.child.on('exit', (code, signal) => {
      clearTimeout(startTimer);
      const detail = signal ? `was stopped (${signal})` : `exited with code ${code}`;
      failStart(new SandboxFailure('start', `the rule sandbox ${detail} while starting${this.describeStderr()}`));
      this.markExited(detail);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** False once the process is dead or being killed: nothing more may be sent to it. */
  get alive(): boolean {
    return !this.exited && !this.retired;
  }

  /** Sends one request and waits for its answer; on timeout the process is killed. */
  request(message: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    if (!this.alive) return Promise.reject(new SandboxFailure('crashed', 'the rule sandbox is not running'));
    if (this.inFlight) return Promise.reject(new Error('SandboxProcess.request: a request is already in flight'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // fail() SIGKILLs the process: a rule stuck in a loop never yields to anything gentler.
      const timer = setTimeout(() => this.fail(new SandboxFailure('timeout', `the rules ran longer than ${timeoutMs} ms and were stopped`)), timeoutMs);
      this.inFlight = { id, resolve, reject, timer };
      const body = Buffer.from(JSON.stringify({ ...message, id }), 'utf8');
      const header = Buffer.alloc(4);
      header.writeUInt32BE(body.length, 0);
      this.child.stdin.write(Buffer.concat([header, body]));
    });
  }

  /** Resident memory of the sandbox process from /proc (Linux), in bytes; null elsewhere. */
  rssBytes(): number | null {
    if (!this.child.pid || this.exited) return null;
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : null;
    } catch {
      return null;
    }
  }

  kill(): void {
    this.retired = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Kills the process and resolves once it is gone. */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.kill();
    });
  }

  private *readFrames(chunk: Buffer): Generator<unknown> {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 4) {
      const size = this.pending.readUInt32BE(0);
      if (size > this.options.maxResponseBytes) {
        throw new SandboxFailure('protocol', `the rule sandbox answered with ${size} bytes, over the ${this.options.maxResponseBytes}-byte limit`);
      }
      if (this.pending.length < 4 + size) return;
      const body = this.pending.subarray(4, 4 + size);
      this.pending = this.pending.subarray(4 + size);
      yield JSON.parse(body.toString('utf8')) as unknown;
    }
  }

  private settle(frame: unknown): void {
    const current = this.inFlight;
    const id = (frame as { id?: unknown } | null)?.id;
    if (!current || id !== current.id) throw new SandboxFailure('protocol', 'the rule sandbox answered a request that was not asked');
    clearTimeout(current.timer);
    this.inFlight = null;
    // The child is about to exit (its interpreter failed): send it nothing more.
    if ((frame as { retire?: unknown }).retire === true) this.kill();
    current.resolve(frame);
  }

  /** Fails the request in flight and retires the process: after a timeout or a bad frame it cannot be trusted. */
  private fail(error: SandboxFailure): void {
    const current = this.inFlight;
    this.inFlight = null;
    if (current) {
      clearTimeout(current.timer);
      current.reject(error);
    }
    this.kill();
  }

  private markExited(detail: string): void {
    if (this.exited) return;
    this.exited = true;
    this.fail(new SandboxFailure('crashed', `the rule sandbox ${detail} while running the rules${this.describeStderr()}`));
    this.options.onExit();
  }

  private describeStderr(): string {
    // The child's last error line (e.g. a V8 out-of-memory report); it has no secrets to leak.
    const line = this.stderrTail.trim().split('\n').filter(Boolean).pop();
    return line ? `: ${line.slice(0, 300)}` : '';
  }
}
