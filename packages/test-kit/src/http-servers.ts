import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_HOST, listen, peerAddress } from './server-handle.js';
import type { ServerHandle } from './server-handle.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves `handler` on a bare node:http server, or node:https when given a key and certificate. */
export async function httpServer(
  handler: RequestHandler,
  options: { host?: string; tls?: { key: string | Buffer; cert: string | Buffer } } = {},
): Promise<ServerHandle> {
  const host = options.host ?? DEFAULT_HOST;
  if (options.tls !== undefined) return listen(createHttpsServer(options.tls, handler), host, 'https');
  return listen(createServer(handler), host, 'http');
}

/** What the echo server saw of one request. */
export interface EchoAnswer {
  method: string;
  url: string;
  remoteAddr: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Answers every request with JSON describing it: method, path, peer address, headers. */
export function echoServer(options: { host?: string } = {}): Promise<ServerHandle> {
  return httpServer((req, res) => {
    req.resume();
    const answer: EchoAnswer = {
      method: req.method ?? '',
      url: req.url ?? '',
      remoteAddr: peerAddress(req.socket),
      headers: req.headers,
    };
    const body = JSON.stringify(answer);
    res
      .writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) })
      .end(body);
  }, options);
}
