import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { GatewayError } from '../gateway-error.js';
import { routeThroughPool, tunnelsTo, type Route } from '../relay/route.js';
import { authenticate, type GatewayClient } from '../steering/authenticate.js';
import { proxyAuthorization } from '../upstream/upstream.js';
import { SITE_REFUSAL_STATUSES } from '../usage/outcome-feedback.js';
import { serveTunnel, type FrontContext } from './context.js';
import { asGatewayError, basicCredentials, rawRefusal, refusalResponse } from './refusal.js';
import { sendOnDialed, sendPooled, StaleConnection, type OutgoingPlainRequest } from './upstream-request.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** Methods safe to send twice: only these are retried on another proxy after a retryable status. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

function gatewayHeaders(route: Route<unknown>): Record<string, string> {
  const headers: Record<string, string> = { 'X-Gateway-Proxy-Id': route.upstream.id };
  if (route.session) {
    headers['X-Gateway-Session'] = route.session.id;
    if (route.session.moved) headers['X-Gateway-Session-Moved'] = 'true';
  }
  return headers;
}

/** The HTTP side of the port: absolute-URI requests forwarded, CONNECT tunnels opened (never intercepted). */
export function createHttpFront(context: FrontContext): Server {
  const server = createServer(
    { requestTimeout: 0, headersTimeout: context.clientIdleMs, keepAliveTimeout: 5_000 },
    (req, res) => {
      void forward(context, req, res);
    },
  );
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void tunnel(context, req, socket, head);
  });
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

async function forward(context: FrontContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let client: GatewayClient | undefined;
  let url: URL;
  try {
    url = new URL(req.url ?? '');
    if (url.protocol !== 'http:') throw new Error('not http');
  } catch {
    sendRefusal(
      res,
      new GatewayError(
        'BAD_REQUEST',
        'Send absolute-URI requests (http://host/path) or CONNECT host:port; https goes through CONNECT.',
      ),
    );
    context.metrics.connections.inc({ kind: 'http', outcome: 'refused' });
    return;
  }
  const handle = { close: () => res.destroy() };
  context.active.add(handle);
  try {
    client = await authenticate(
      context.auth,
      basicCredentials(req.headers['proxy-authorization']),
      req.socket.remoteAddress ?? '',
    );
    const target = { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 80 : Number(url.port) };
    const hasBody =
      req.headers['content-length'] !== undefined
        ? req.headers['content-length'] !== '0'
        : req.headers['transfer-encoding'] !== undefined;
    // Safe to send twice: after a retryable status, and again on a new connection when a kept one was stale.
    const repeatable = IDEMPOTENT.has(req.method ?? '') && !hasBody;
    const route = await routeThroughPool(context.route, client, 'forward', target, async (dial, upstream) => {
      const tunneled = tunnelsTo('forward', upstream);
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(req.headers))
        if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
      const auth = tunneled ? undefined : proxyAuthorization(upstream);
      if (auth) headers['proxy-authorization'] = auth;
      const plain: OutgoingPlainRequest = {
        method: req.method ?? 'GET',
        path: tunneled ? `${url.pathname}${url.search}` : url.href,
        headers,
        body: hasBody ? req : undefined,
        responseTimeoutMs: context.route.responseTimeoutMs,
        answered: (status) => {
          context.route.outcomes.siteOutcome(upstream.id, target.host, !SITE_REFUSAL_STATUSES.has(status));
          // Inside a tunnel the status is the origin's, not the proxy's: passed on.
          return repeatable && !tunneled && context.retryStatuses.has(status) ? 'rotate' : 'relay';
        },
      };
      if (tunneled || !repeatable) return sendOnDialed(await dial(), plain);
      try {
        return await sendPooled(context.forwardAgent, upstream, plain);
      } catch (error) {
        if (!(error instanceof StaleConnection)) throw error;
        return sendOnDialed(await dial(), plain);
      }
    });
    const answer = route.result;
    const { response } = answer;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(response.headers))
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    res.writeHead(response.statusCode ?? 502, { ...headers, ...gatewayHeaders(route) });
    context.metrics.activeTunnels.inc();
    response.pipe(res);
    await new Promise<void>((resolve) => {
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        answer.release();
        context.metrics.activeTunnels.dec();
        resolve();
      };
      res.once('finish', done).once('close', done);
      response.once('error', () => res.destroy());
    });
    context.meter(client, answer.bytes());
    context.metrics.connections.inc({ kind: 'http', outcome: 'served' });
  } catch (error) {
    const refusal = asGatewayError(error);
    context.metrics.connections.inc({ kind: 'http', outcome: outcomeOf(refusal) });
    if (!(error instanceof GatewayError)) context.logger.warn('gateway request failed', { error: String(error) });
    if (!res.headersSent) sendRefusal(res, refusal);
    else res.destroy();
  } finally {
    context.active.delete(handle);
  }
}

async function tunnel(context: FrontContext, req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
  socket.on('error', () => socket.destroy());
  const handle = { close: () => socket.destroy() };
  context.active.add(handle);
  try {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(req.url ?? '');
    if (!match?.[1] || !match[2] || Number(match[2]) > 65535)
      throw new GatewayError('BAD_REQUEST', 'CONNECT needs host:port.');
    const client = await authenticate(
      context.auth,
      basicCredentials(req.headers['proxy-authorization']),
      socket.remoteAddress ?? '',
    );
    const target = { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
    const route = await routeThroughPool(context.route, client, 'tunnel', target, (dial) => dial());
    const extra = Object.entries(gatewayHeaders(route))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 200 Connection established\r\n${extra}\r\n`);
    serveTunnel(context, 'connect', {
      client,
      socket,
      upstream: route.result,
      clientHead: head,
      handle,
    });
  } catch (error) {
    context.active.delete(handle);
    const refusal = asGatewayError(error);
    context.metrics.connections.inc({ kind: 'connect', outcome: outcomeOf(refusal) });
    if (!(error instanceof GatewayError)) context.logger.warn('gateway tunnel failed', { error: String(error) });
    if (socket.writable) socket.end(rawRefusal(refusal));
  }
}

function sendRefusal(res: ServerResponse, error: GatewayError): void {
  const { status, headers, body } = refusalResponse(error);
  res.writeHead(status, headers).end(body);
}

export function outcomeOf(error: GatewayError): 'refused' | 'no_proxy' | 'upstream_failed' {
  if (error.code === 'UPSTREAM_FAILED') return 'upstream_failed';
  if (error.code === 'NO_MATCHING_PROXY' || error.code === 'ALL_PROXIES_LEASED') return 'no_proxy';
  return 'refused';
}
