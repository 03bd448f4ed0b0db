import { describe, expect, it, vi } from 'vitest';
import { createLookupCache } from '@/lib/connectwise/lookup-cache';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createLookupCache', () => {
  it('serves a stored value until its TTL passes, then loads again', async () => {
    const c = clock();
    const cache = createLookupCache({ ttlMs: 60_000, now: c.now });
    let n = 0;
    const load = vi.fn(async () => ++n);

    expect(await cache.get('boards', load)).toBe(1);
    c.advance(59_999);
    expect(await cache.get('boards', load)).toBe(1);
    c.advance(1);
    expect(await cache.get('boards', load)).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.stats()).toEqual({ hits: 1, misses: 2, loads: 2, failures: 0, size: 1 });
  });

  it('keeps keys apart', async () => {
    const cache = createLookupCache({ ttlMs: 1_000 });
    expect(await cache.get('a', async () => 'A')).toBe('A');
    expect(await cache.get('b', async () => 'B')).toBe('B');
    expect(await cache.get('a', async () => 'not called')).toBe('A');
  });

  it('invalidates everything, or only the keys under a prefix', async () => {
    const cache = createLookupCache({ ttlMs: 60_000 });
    for (const key of ['boards', 'boards/1/statuses', 'boards/2/teams', 'priorities']) await cache.get(key, async () => key);
    expect(cache.stats().size).toBe(4);

    cache.invalidate('boards/1');
    expect(cache.stats().size).toBe(3);
    expect(await cache.get('boards/1/statuses', async () => 'reloaded')).toBe('reloaded');
    expect(await cache.get('boards/2/teams', async () => 'not called')).toBe('boards/2/teams');

    cache.invalidate();
    expect(cache.stats().size).toBe(0);
    expect(await cache.get('priorities', async () => 'fresh')).toBe('fresh');
  });

  it('shares one load between concurrent callers of a cold key', async () => {
    const cache = createLookupCache({ ttlMs: 60_000 });
    const gate = deferred<string[]>();
    const load = vi.fn(() => gate.promise);
    const callers = Array.from({ length: 25 }, () => cache.get('boards', load));
    expect(load).toHaveBeenCalledTimes(1);
    gate.resolve(['Help Desk']);
    const results = await Promise.all(callers);
    expect(results.every((r) => r === results[0])).toBe(true);
    expect(results[0]).toEqual(['Help Desk']);
    expect(cache.stats()).toMatchObject({ loads: 1, misses: 25, hits: 0 });
    await cache.get('boards', load);
    expect(cache.stats()).toMatchObject({ loads: 1, hits: 1 });
  });

  it('does not cache a failure: every waiting caller sees it, the next caller loads again', async () => {
    const cache = createLookupCache({ ttlMs: 60_000 });
    const gate = deferred<string>();
    const first = cache.get('priorities', () => gate.promise);
    const second = cache.get('priorities', () => Promise.resolve('never used'));
    gate.reject(new Error('Manage is down'));
    await expect(first).rejects.toThrow('Manage is down');
    await expect(second).rejects.toThrow('Manage is down');
    expect(cache.stats()).toMatchObject({ failures: 1, size: 0 });

    expect(await cache.get('priorities', async () => 'recovered')).toBe('recovered');
    expect(cache.stats()).toMatchObject({ loads: 2, size: 1 });
  });

  it('does not store what a load read before an invalidation that happened while it ran', async () => {
    const cache = createLookupCache({ ttlMs: 60_000 });
    const gate = deferred<string>();
    const stale = cache.get('boards', () => gate.promise);
    cache.invalidate('boards');
    gate.resolve('before the change');
    expect(await stale).toBe('before the change');
    expect(await cache.get('boards', async () => 'after the change')).toBe('after the change');
  });

  it('with a TTL of 0 never stores, but still shares a running load', async () => {
    const cache = createLookupCache({ ttlMs: 0 });
    const load = vi.fn(async () => 'x');
    await Promise.all([cache.get('k', load), cache.get('k', load)]);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('rejects a negative TTL', () => {
    expect(() => createLookupCache({ ttlMs: -1 })).toThrow(RangeError);
  });
});
