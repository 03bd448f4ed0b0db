// NEXT_RUNTIME is a compile-time constant Next.js substitutes per runtime; it must be read
// literally here so the edge build drops the Node-only import below. Not configuration.
/**
 * Runs once when the server starts: open and migrate the database before the first request
 * (a broken migration stops start-up instead of failing a press later), then start the job
 * worker, which picks up any press a previous process accepted but did not finish.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startRuntime } = await import('@/lib/runtime');
  await startRuntime();
}
