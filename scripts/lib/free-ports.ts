/** Finding loopback ports nobody is listening on, so two test runs on one machine never collide. */
import net from 'node:net';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first port of `count` consecutive free ones, searched from a random start in
 * [from, to) so concurrent runs rarely race for the same block. Below Linux's ephemeral range
 * (32768 and up): a port found free there can be taken by any outgoing connection (a database
 * pool, the browser) before the server listens on it, which CI saw as EADDRINUSE.
 */
export async function findFreePortBlock(count: number, from = 20_000, to = 32_000): Promise<number> {
  const span = to - from - count;
  const start = from + Math.floor(Math.random() * span);
  for (let i = 0; i < 200; i++) {
    const base = from + ((start - from + i * (count + 7)) % span);
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await isFree(p);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free loopback ports between ${from} and ${to}`);
}
