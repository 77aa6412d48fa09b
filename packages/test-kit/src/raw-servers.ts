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

/** A port with nothing listening on it (bound, then released): connecting is refused. */
export async function deadPort(options: { host?: string } = {}): Promise<{ host: string; port: number }> {
  const handle = await listen(createServer(), options.host ?? DEFAULT_HOST, 'tcp');
  await handle.close();
  return { host: handle.host, port: handle.port };
}
