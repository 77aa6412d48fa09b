import { createServer, type Socket } from 'node:net';

/** A fake `http` proxy that answers absolute-URI requests itself over keep-alive connections. */
export interface KeepAliveProxy {
  host: string;
  port: number;
  /** TCP connections accepted and requests answered so far. */
  stats: { connections: number; answered: number; dropped: number };
  close(): Promise<void>;
}

/**
 * Answers each request with 200 and a JSON body naming the requested URI and the connection's number, keeping
 * the connection open. `dropSecond`: the second request on a connection is cut unanswered (a proxy closing a
 * kept connection just as a request arrives), so only a client that sends again on a new connection gets it
 * answered. A URI ending in `/slow` is answered after `slowMs`. Loopback only; bodies are not expected.
 */
export async function keepAliveProxy(options: { dropSecond?: boolean; slowMs?: number } = {}): Promise<KeepAliveProxy> {
  const stats = { connections: 0, answered: 0, dropped: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    stats.connections += 1;
    const connection = stats.connections;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = '';
    let requests = 0;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        requests += 1;
        if (options.dropSecond && requests === 2) {
          stats.dropped += 1;
          socket.resetAndDestroy();
          return;
        }
        const uri = head.split(' ')[1] ?? '';
        const body = JSON.stringify({ uri, connection });
        const answer = () => {
          stats.answered += 1;
          socket.write(
            `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n${body}`,
          );
        };
        if (uri.endsWith('/slow')) setTimeout(answer, options.slowMs ?? 0);
        else answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    host: '127.0.0.1',
    port: address.port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
