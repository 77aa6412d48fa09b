import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { ByteReader } from './byte-reader.js';
import { DEFAULT_HOST, isLoopbackDestination, linkSockets, listen } from './server-handle.js';
import type { ServerHandle } from './server-handle.js';

export interface SocksServerOptions {
  /** Listening address, 127.0.0.1 by default. */
  host?: string;
  /** Local address of outgoing connections: the "exit IP" a judge sees. */
  exitAddress?: string;
}

export interface SocksStats {
  /** Tunnels opened to a destination. */
  connects: number;
  /** Handshakes refused for bad or missing credentials. */
  authFailures: number;
}

export interface SocksServer extends ServerHandle {
  stats: SocksStats;
}

/** What a handshake decided: where to connect, and how to answer success or failure. */
export interface SocksRequest {
  host: string;
  port: number;
  reply(granted: boolean): Buffer;
}

export type SocksHandshake = (
  client: Socket,
  reader: ByteReader,
  stats: SocksStats,
) => Promise<SocksRequest | undefined>;

/** Runs `handshake` on every connection, then relays bytes to the requested loopback destination. */
export async function startSocksServer(
  scheme: string,
  handshake: SocksHandshake,
  options: SocksServerOptions,
): Promise<SocksServer> {
  const stats: SocksStats = { connects: 0, authFailures: 0 };
  const server = createServer((client) => {
    client.on('error', () => client.destroy());
    const reader = new ByteReader(client);
    handshake(client, reader, stats)
      .then((request) => {
        if (request === undefined) return;
        if (!isLoopbackDestination(request.host)) {
          client.end(request.reply(false));
          return;
        }
        openTunnel(client, reader, request, options.exitAddress, stats);
      })
      .catch(() => client.destroy());
  });
  const handle = await listen(server, options.host ?? DEFAULT_HOST, scheme);
  return { ...handle, stats };
}

function openTunnel(
  client: Socket,
  reader: ByteReader,
  request: SocksRequest,
  exitAddress: string | undefined,
  stats: SocksStats,
): void {
  const upstream = connect({ host: request.host, port: request.port, localAddress: exitAddress });
  const refuse = (): void => {
    if (!client.destroyed) client.end(request.reply(false));
  };
  upstream.once('error', refuse);
  client.once('close', () => upstream.destroy());
  upstream.once('connect', () => {
    upstream.off('error', refuse);
    stats.connects += 1;
    client.write(request.reply(true));
    const early = reader.release();
    if (early.length > 0) upstream.write(early);
    linkSockets(client, upstream);
  });
}
