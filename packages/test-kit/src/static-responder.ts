import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { DEFAULT_HOST, listen } from './server-handle.js';
import type { ServerHandle } from './server-handle.js';

export interface StaticResponderOptions {
  status: number;
  body: string;
  contentType: string;
  host?: string;
}

export interface StaticResponder extends ServerHandle {
  /** `hits`: requests answered, CONNECTs included. */
  stats: { hits: number };
}

export const CANNED_PAGE =
  '<!doctype html><html><head><title>Welcome</title></head><body><h1>canned</h1><p>Please log in to continue.</p></body></html>';

/** Answers every request, absolute-URI and CONNECT ones included, with the same response. */
export async function staticResponder(options: StaticResponderOptions): Promise<StaticResponder> {
  const body = Buffer.from(options.body);
  const head = { 'Content-Type': options.contentType, 'Content-Length': String(body.length) };
  const stats = { hits: 0 };
  const server = createServer((req, res) => {
    stats.hits += 1;
    req.resume();
    res.writeHead(options.status, head).end(body);
  });
  server.on('connect', (_req: IncomingMessage, client: Socket) => {
    stats.hits += 1;
    client.on('error', () => client.destroy());
    const lines = Object.entries(head)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    client.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${options.status} Canned\r\n${lines}\r\n`), body]));
  });
  const handle = await listen(server, options.host ?? DEFAULT_HOST, 'http');
  return { ...handle, stats };
}

/** A captive-portal-like "proxy" that answers every request with a fixed 200 HTML page. */
export function cannedPage(options: { host?: string; body?: string } = {}): Promise<StaticResponder> {
  return staticResponder({
    status: 200,
    body: options.body ?? CANNED_PAGE,
    contentType: 'text/html; charset=utf-8',
    host: options.host,
  });
}

/** A broken "proxy" that answers every request with 502 Bad Gateway. */
export function errorProxy(options: { host?: string } = {}): Promise<StaticResponder> {
  return staticResponder({
    status: 502,
    body: '<html><body>502 Bad Gateway</body></html>',
    contentType: 'text/html',
    host: options.host,
  });
}
