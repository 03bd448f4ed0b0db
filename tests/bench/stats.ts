/** Summary statistics over per-call durations (milliseconds). */
export type LatencySummary = {
  n: number;
  medianMs: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  totalMs: number;
  callsPerSecond: number;
};

/** Nearest-rank percentile: the value at or below which `p` percent of samples fall. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function summariseLatencies(samples: readonly number[], wallMs: number): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = samples.reduce((a, b) => a + b, 0);
  return {
    n: samples.length,
    medianMs: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    meanMs: sum / samples.length,
    minMs: sorted[0] as number,
    maxMs: sorted[sorted.length - 1] as number,
    totalMs: wallMs,
    callsPerSecond: samples.length / (wallMs / 1000),
  };
}

/** Runs `fn` `count` times in sequence and returns each call's duration and the wall time. */
export async function timeSamples(fn: () => Promise<unknown>, count: number): Promise<{ samples: number[]; wallMs: number }> {
  const samples: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { samples, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3);
}
