import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface Endpoint {
  host: string;
  port: number;
}

/** Where a bench client connects and with which proxy credentials (none for the fake proxies themselves). */
export interface ProxyRoute {
  proxy: Endpoint;
  authorization?: string;
}

/** Opens a CONNECT tunnel through `route` to `target`; resolves with the socket once the 200 arrived. */
export function openTunnel(route: ProxyRoute, target: Endpoint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: route.proxy.host, port: route.proxy.port, noDelay: true });
    socket.once('error', reject);
    const authority = `${target.host}:${target.port}`;
    const auth = route.authorization ? `Proxy-Authorization: ${route.authorization}\r\n` : '';
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 200')) {
        socket.destroy();
        reject(new Error(head.subarray(0, end).toString()));
        return;
      }
      socket.pause();
      if (end + 4 < head.length) socket.unshift(head.subarray(end + 4));
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** GET /blob inside a tunnel; resolves with the bytes received once the 1 MiB body is complete. */
export function fetchBlob(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let bodyStart = -1;
    let length = 0;
    let head = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (bodyStart < 0) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        bodyStart = end + 4;
        length = Number(/content-length: (\d+)/i.exec(head.subarray(0, end).toString())?.[1] ?? 0);
      }
      if (received - bodyStart >= length) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.once('error', reject);
    socket.resume();
    socket.write('GET /blob HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n');
  });
}

/** One absolute-URI GET through `route` on a new connection; resolves with its latency in ms. */
export function plainRequest(route: ProxyRoute, url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'close' };
    if (route.authorization) headers['Proxy-Authorization'] = route.authorization;
    const req = request({ host: route.proxy.host, port: route.proxy.port, path: url, agent: false, headers });
    req.once('error', reject);
    req.once('response', (response) => {
      if (response.statusCode !== 200)
        reject(new Error(`status ${response.statusCode} ${String(response.headers['x-gateway-error'] ?? '')}`));
      response.resume();
      response.once('end', () => resolve(performance.now() - started));
    });
    req.end();
  });
}

/** Runs `task` `total` times, `concurrency` at a time; resolves with each run's result. */
export async function pool<T>(total: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}
