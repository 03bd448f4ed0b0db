/** Bounded request log (a ring buffer: the newest REQUEST_LOG_LIMIT records). */
import type { IncomingHttpHeaders } from 'node:http';

export type SimRequestRecord = {
  seq: number;
  at: string;
  method: string;
  /** Path after /apis/3.0 (full path for /login/... and /__sim/...). */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; authorization, cookie and clientid values redacted. */
  headers: Record<string, string>;
  contentType: string | null;
  /** Parsed JSON, or for multipart { fields, files: {field, filename, contentType, size}[] }, or null. */
  body: unknown;
  /** What the simulator answered; 0 when it reset or never answered. */
  status: number;
  /** Which fault rule applied, if any. */
  fault: string | null;
};

const REDACTED: Record<string, string> = {
  authorization: 'Basic <redacted>',
  cookie: '<redacted>',
  // The clientId is a secret of the integrator: tests can see it was sent, not its value.
  clientid: '<redacted>',
};

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = REDACTED[lower] ?? (Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

export class RequestLog {
  private readonly ring: (SimRequestRecord | undefined)[];
  private next = 0;
  private count = 0;
  private seq = 0;

  constructor(private readonly limit: number) {
    this.ring = new Array<SimRequestRecord | undefined>(limit);
  }

  /** Adds a record (seq assigned here) and returns it so its status can be filled in later. */
  add(record: Omit<SimRequestRecord, 'seq'>): SimRequestRecord {
    const stored: SimRequestRecord = { seq: ++this.seq, ...record };
    this.ring[this.next] = stored;
    this.next = (this.next + 1) % this.limit;
    if (this.count < this.limit) this.count++;
    return stored;
  }

  /** Oldest first. */
  list(): SimRequestRecord[] {
    const out: SimRequestRecord[] = [];
    const start = (this.next - this.count + this.limit) % this.limit;
    for (let i = 0; i < this.count; i++) {
      const record = this.ring[(start + i) % this.limit];
      if (record) out.push(record);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
