import { connect, type Socket } from 'node:net';
import { BulkReads } from '../relay/bulk-reads.js';
import { httpConnect, socks4Connect, socks5Connect } from './handshakes.js';
import { SocketReader } from './socket-reader.js';
import type { Target, Upstream } from './upstream.js';
import { UpstreamFailure } from './upstream-failure.js';

/** A connection through an upstream proxy, ready to relay: `head` holds bytes that arrived after the handshake. */
export interface DialedSocket {
  socket: Socket;
  head: Buffer;
  /** Set when the socket reads through `onread` (a tunnel to relay): where its further bytes go. */
  reads?: BulkReads;
}

const HANDSHAKES = { http: httpConnect, https: httpConnect, socks4: socks4Connect, socks5: socks5Connect } as const;

/**
 * Opens a TCP connection to the upstream proxy and, given a target, its tunnel there (CONNECT or SOCKS):
 * all of it within `timeoutMs`. Any failure destroys the socket and throws UpstreamFailure. `forRelay`: the
 * socket will only be relayed byte for byte, so it reads through BulkReads (no 'data' events).
 */
export function dialUpstream(
  upstream: Upstream,
  target: Target | undefined,
  timeoutMs: number,
  forRelay = false,
): Promise<DialedSocket> {
  const reads = forRelay ? new BulkReads() : undefined;
  const socket = connect({
    host: upstream.ip,
    port: upstream.port,
    noDelay: true,
    ...(reads ? { onread: reads.options } : {}),
  });
  const reader = new SocketReader(socket, reads === undefined);
  if (reads) {
    reads.socket = socket;
    reads.keepInto((chunk) => reader.push(chunk));
  }
  let connected = false;
  const timer = setTimeout(() => {
    reader.fail(
      new UpstreamFailure(
        'timeout',
        `upstream did not ${connected ? 'finish the handshake' : 'accept the connection'} within ${timeoutMs} ms`,
      ),
    );
  }, timeoutMs);
  const onError = (error: NodeJS.ErrnoException): void => {
    reader.fail(
      new UpstreamFailure(
        connected ? 'handshake' : 'connect',
        `upstream ${connected ? 'connection failed' : 'unreachable'}: ${error.code ?? error.message}`,
      ),
    );
  };
  socket.on('error', onError);
  const connectedOrFailed = new Promise<void>((resolve) => {
    socket.once('connect', () => {
      connected = true;
      resolve();
    });
  });
  const run = async (): Promise<DialedSocket> => {
    await Promise.race([connectedOrFailed, reader.read('connection', () => undefined)]);
    if (target !== undefined)
      await HANDSHAKES[upstream.protocol]((data) => socket.write(data), reader, upstream, target);
    return { socket, head: reader.release(), ...(reads ? { reads } : {}) };
  };
  return run().then(
    (dialed) => {
      clearTimeout(timer);
      socket.off('error', onError);
      return dialed;
    },
    (error: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      throw error instanceof UpstreamFailure ? error : new UpstreamFailure('handshake', String(error));
    },
  );
}
