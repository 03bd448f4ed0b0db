/**
 * Runs registration changes one at a time in this process: two clicks (or two admins) never
 * race each other into creating the same record in Manage twice.
 */
export function createOneAtATime(): <T>(run: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(run: () => Promise<T>) => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
}
