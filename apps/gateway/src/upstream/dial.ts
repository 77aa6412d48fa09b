import { connect, type Socket } from 'node:net';
import { httpConnect, socks4Connect, socks5Connect } from './handshakes.js';
import { SocketReader } from './socket-reader.js';
import type { Target, Upstream } from './upstream.js';
import { UpstreamFailure } from './upstream-failure.js';

/** A connection through an upstream proxy, ready to relay: `head` holds bytes that arrived after the handshake. */
export interface DialedSocket {
  socket: Socket;
  head: Buffer;
}

const HANDSHAKES = { http: httpConnect, https: httpConnect, socks4: socks4Connect, socks5: socks5Connect } as const;

/**
 * Opens a TCP connection to the upstream proxy and, given a target, its tunnel there (CONNECT or SOCKS):
 * all of it within `timeoutMs`. Any failure destroys the socket and throws UpstreamFailure.
 */
export function dialUpstream(upstream: Upstream, target: Target | undefined, timeoutMs: number): Promise<DialedSocket> {
  const socket = connect({ host: upstream.ip, port: upstream.port, noDelay: true });
  const reader = new SocketReader(socket);
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
    return { socket, head: reader.release() };
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
