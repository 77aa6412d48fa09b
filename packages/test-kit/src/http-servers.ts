import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_HOST, listen, peerAddress } from './server-handle.js';
import type { ServerHandle } from './server-handle.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves `handler` on a bare node:http server (e.g. the judge handler, a webhook receiver). */
export async function httpServer(handler: RequestHandler, options: { host?: string } = {}): Promise<ServerHandle> {
  return listen(createServer(handler), options.host ?? DEFAULT_HOST, 'http');
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
    const answer: EchoAnswer = { method: req.method ?? '', url: req.url ?? '', remoteAddr: peerAddress(req.socket), headers: req.headers };
    const body = JSON.stringify(answer);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
  }, options);
}
