import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  port: number;
  /** Paths requested so far, to prove a refused request never reached the server. */
  hits: string[];
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 answering `/` with `hello` and `/redirect?to=<url>` with a 302 to that URL.
 * Tests only ever talk to loopback.
 */
export async function startLoopbackServer(): Promise<LoopbackServer> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to !== null) res.writeHead(302, { location: to }).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
