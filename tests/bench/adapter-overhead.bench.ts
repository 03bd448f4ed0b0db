/**
 * Cost of the adapter per call compared with raw undici, against the same simulator: the
 * difference is what createManageClient adds on top of one undici request (header
 * building, retry and timeout bookkeeping, error mapping, call records).
 */
import { Agent, request } from 'undici';
import { createManageClient } from '@/lib/connectwise';
import type { SimChild } from './sim-child';
import { summariseLatencies, timeSamples, type LatencySummary } from './stats';

export type AdapterOverheadResult = {
  path: string;
  warmup: number;
  calls: number;
  adapter: LatencySummary;
  raw: LatencySummary;
  medianRatio: number;
  p99Ratio: number;
  /** Median of each measured block, per side: their spread shows the run-to-run noise. */
  blockMediansMs: { raw: number[]; adapter: number[] };
};

const PATH = '/system/info';

export async function benchAdapterOverhead(sim: SimChild, options: { warmup: number; calls: number; apiVersion: string }): Promise<AdapterOverheadResult> {
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  const client = createManageClient({ baseUrl: sim.baseUrl, companyId, publicKey, privateKey, clientId, apiVersion: options.apiVersion });
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const headers = {
    authorization: `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`,
    clientid: clientId,
    accept: `application/vnd.connectwise.com+json; version=${options.apiVersion}`,
  };
  const url = `${sim.baseUrl}${PATH}`;

  const viaAdapter = async () => {
    const res = await client.request({ method: 'GET', path: PATH });
    if (res.status !== 200) throw new Error(`adapter GET ${PATH} answered ${res.status}`);
  };
  const viaRaw = async () => {
    const res = await request(url, { method: 'GET', headers, dispatcher: agent });
    // Decode like the adapter does, so the comparison is about the adapter, not JSON.parse.
    await res.body.json();
    if (res.statusCode !== 200) throw new Error(`raw GET ${PATH} answered ${res.statusCode}`);
  };

  try {
    await sim.clearRequests();
    for (let i = 0; i < options.warmup; i++) {
      await viaRaw();
      await viaAdapter();
    }
    // Measure in alternating blocks so neither side always runs on a warmer (or more
    // loaded) simulator; the simulator's request log is cleared between blocks.
    const blocks = 4;
    const perBlock = Math.ceil(options.calls / blocks);
    const rawSamples: number[] = [];
    const adapterSamples: number[] = [];
    let rawWall = 0;
    let adapterWall = 0;
    const blockMediansMs = { raw: [] as number[], adapter: [] as number[] };
    for (let b = 0; b < blocks; b++) {
      const order = b % 2 === 0 ? (['raw', 'adapter'] as const) : (['adapter', 'raw'] as const);
      for (const side of order) {
        const run = await timeSamples(side === 'raw' ? viaRaw : viaAdapter, perBlock);
        blockMediansMs[side].push(summariseLatencies(run.samples, run.wallMs).medianMs);
        if (side === 'raw') {
          rawSamples.push(...run.samples);
          rawWall += run.wallMs;
        } else {
          adapterSamples.push(...run.samples);
          adapterWall += run.wallMs;
        }
        await sim.clearRequests();
      }
    }
    const raw = summariseLatencies(rawSamples, rawWall);
    const adapter = summariseLatencies(adapterSamples, adapterWall);
    return {
      path: PATH,
      warmup: options.warmup,
      calls: adapterSamples.length,
      adapter,
      raw,
      medianRatio: adapter.medianMs / raw.medianMs,
      p99Ratio: adapter.p99Ms / raw.p99Ms,
      blockMediansMs,
    };
  } finally {
    await client.close();
    await agent.close();
  }
}
