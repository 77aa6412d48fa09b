import type { Server, Socket } from 'node:net';

/** A running loopback server. `close()` destroys open sockets so no test ever hangs on it. */
export interface ServerHandle {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';

/**
 * Listens on `host` with an ephemeral port and tracks every socket so close() can destroy them. `backlog`: the
 * accept queue's length (Node's default 511; the kernel caps it at net.core.somaxconn).
 */
export async function listen(server: Server, host: string, scheme: string, backlog?: number): Promise<ServerHandle> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { host, port: address.port, url: `${scheme}://${urlHost}:${address.port}`, close };
}

/** Destroys each socket when the other closes, so tunnels never outlive either side. */
export function linkSockets(a: Socket, b: Socket): void {
  a.once('close', () => b.destroy());
  b.once('close', () => a.destroy());
  a.on('error', () => a.destroy());
  b.on('error', () => b.destroy());
  a.pipe(b);
  b.pipe(a);
}

/** Loopback-only destinations: a fake proxy must never carry test traffic off this machine. */
export function isLoopbackDestination(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1') return true;
  const mapped = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(mapped);
}

/** The peer address as people write it (IPv4-mapped IPv6 shown as IPv4). */
export function peerAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
