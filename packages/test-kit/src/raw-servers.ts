import { createServer } from 'node:net';
import { DEFAULT_HOST, listen } from './server-handle.js';
import type { ServerHandle } from './server-handle.js';

export interface BlackHole extends ServerHandle {
  /** `accepted`: connections accepted so far. */
  stats: { accepted: number };
}

/** Accepts TCP connections and never sends a byte (nor closes them) until closed. */
export async function blackHole(options: { host?: string } = {}): Promise<BlackHole> {
  const stats = { accepted: 0 };
  const server = createServer((socket) => {
    stats.accepted += 1;
    socket.on('error', () => socket.destroy());
    socket.resume();
  });
  const handle = await listen(server, options.host ?? DEFAULT_HOST, 'tcp');
  return { ...handle, stats };
}

/**
 * A loopback address no test server listens on: a released port there stays dead, whereas on 127.0.0.1 the
 * next ephemeral listener (any test's, in any process) may be handed the same number.
 */
export const DEAD_HOST = '127.0.99.1';
const handedOut = new Set<string>();

/**
 * A port with nothing listening on it (bound, then released): connecting is refused. On DEAD_HOST by default,
 * and never the same host and port twice in one process.
 */
export async function deadPort(options: { host?: string } = {}): Promise<{ host: string; port: number }> {
  for (;;) {
    const handle = await listen(createServer(), options.host ?? DEAD_HOST, 'tcp');
    await handle.close();
    const key = `${handle.host}:${handle.port}`;
    if (handedOut.has(key)) continue;
    handedOut.add(key);
    return { host: handle.host, port: handle.port };
  }
}
