import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import { DEFAULT_HOST, listen } from './server-handle.js';
import type { ServerHandle } from './server-handle.js';

/** How one path of the source-list server answers. */
export interface SourceRoute {
  body?: string | Buffer;
  /** 200 by default. */
  status?: number;
  /** `text/plain; charset=utf-8` by default. */
  contentType?: string;
  headers?: Record<string, string>;
  /** Wait this long before sending anything. */
  delayMs?: number;
  /** Send the headers (full Content-Length) and half the body, then stall until the client gives up. */
  hangMidBody?: boolean;
  /** Answer 302 to this URL instead of a body. */
  redirectTo?: string;
  /** Stream a body of exactly `bytes` bytes generated on the fly (`line(i)` repeated; proxy-list lines by default). */
  generate?: { bytes: number; line?: (index: number) => string };
}

export interface SourceListServer extends ServerHandle {
  /** Requests received per path. */
  stats: { hits: Record<string, number> };
  setRoute(path: string, route: SourceRoute): void;
  urlFor(path: string): string;
}

/** A distinct loopback proxy line per index: 127.a.b.c:port. */
export function loopbackProxyLine(index: number): string {
  const n = index + 1;
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:${1024 + (index % 60000)}\n`;
}

/** Serves proxy lists (or anything) at fixed paths, with optional misbehaviour per route. */
export async function sourceListServer(options: {
  routes: Record<string, SourceRoute>;
  host?: string;
}): Promise<SourceListServer> {
  const routes = new Map(Object.entries(options.routes));
  const stats = { hits: {} as Record<string, number> };
  const server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://source.invalid').pathname;
    stats.hits[path] = (stats.hits[path] ?? 0) + 1;
    const route = routes.get(req.url ?? '') ?? routes.get(path);
    if (route === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const timer = setTimeout(() => answer(res, route), route.delayMs ?? 0);
    res.once('close', () => clearTimeout(timer));
  });
  const handle = await listen(server, options.host ?? DEFAULT_HOST, 'http');
  return {
    ...handle,
    stats,
    setRoute: (path, route) => void routes.set(path, route),
    urlFor: (path) => `${handle.url}${path}`,
  };
}

function answer(res: ServerResponse, route: SourceRoute): void {
  if (route.redirectTo !== undefined) {
    res.writeHead(route.status ?? 302, { Location: route.redirectTo, 'Content-Length': '0' }).end();
    return;
  }
  const head = { 'Content-Type': route.contentType ?? 'text/plain; charset=utf-8', ...route.headers };
  if (route.generate !== undefined) {
    res.writeHead(route.status ?? 200, { ...head, 'Content-Length': String(route.generate.bytes) });
    void streamGenerated(res, route.generate.bytes, route.generate.line ?? loopbackProxyLine);
    return;
  }
  const body = typeof route.body === 'string' ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
  res.writeHead(route.status ?? 200, { ...head, 'Content-Length': String(body.length) });
  if (route.hangMidBody) res.write(body.subarray(0, Math.floor(body.length / 2)));
  else res.end(body);
}

async function streamGenerated(res: ServerResponse, bytes: number, line: (index: number) => string): Promise<void> {
  let sent = 0;
  let index = 0;
  while (sent < bytes && !res.destroyed) {
    const parts: string[] = [];
    let size = 0;
    while (size < 64 * 1024) {
      const next = line(index++);
      parts.push(next);
      size += Buffer.byteLength(next);
    }
    const chunk = Buffer.from(parts.join('')).subarray(0, bytes - sent);
    sent += chunk.length;
    if (!res.write(chunk)) await drained(res);
  }
  res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.once('drain', done).once('close', done);
  });
}
