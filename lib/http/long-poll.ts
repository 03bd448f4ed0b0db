/**
 * In-process wake-ups for long-polls: a waiter sleeps until its key is nudged, its time is up
 * or its client goes away. lib/cluster carries nudges between instances; polling stays the
 * fallback (a lost notification, or a writer that does not nudge), so a missed nudge costs
 * latency, never correctness.
 */
export type Nudger = {
  nudge(key: string): void;
  /** Wakes every waiter: something may have changed that was not announced key by key. */
  nudgeAll(): void;
  sleep(key: string, ms: number, signal: AbortSignal | undefined): Promise<void>;
};

export function createNudger(): Nudger {
  const waiters = new Map<string, Set<() => void>>();
  return {
    nudge(key) {
      for (const wake of waiters.get(key) ?? []) wake();
    },
    nudgeAll() {
      for (const set of [...waiters.values()]) for (const wake of set) wake();
    },
    sleep(key, ms, signal) {
      return new Promise((resolve) => {
        let set = waiters.get(key);
        if (!set) {
          set = new Set();
          waiters.set(key, set);
        }
        const registered = set;
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          registered.delete(done);
          if (registered.size === 0 && waiters.get(key) === registered) waiters.delete(key);
          resolve();
        };
        const timer = setTimeout(done, ms);
        registered.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
