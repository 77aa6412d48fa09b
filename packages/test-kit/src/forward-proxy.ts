import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { DEFAULT_HOST, isLoopbackDestination, linkSockets, listen, peerAddress } from './server-handle.js';
import type { ServerHandle } from './server-handle.js';
import { interceptTunnel } from './mitm-proxy.js';
import type { InterceptIdentity } from './mitm-proxy.js';

export type ForwardProxyKind = 'elite' | 'anonymous' | 'transparent';

export interface ProxyCredentials {
  username: string;
  password: string;
}

export interface ForwardProxyOptions {
  kind: ForwardProxyKind;
  /** Demand `Proxy-Authorization: Basic …` with these credentials (407 otherwise). */
  auth?: ProxyCredentials;
  /** Listening address, 127.0.0.1 by default. */
  host?: string;
  /** Local address of outgoing connections: the "exit IP" a judge sees (e.g. 127.0.0.9). */
  exitAddress?: string;
  /**
   * Leave by the address the client connected to (overrides `exitAddress`): a proxy listening on the wildcard
   * address then answers as a proxy of its own on every 127.x.y.z, each exiting by its own address.
   */
  exitByConnectedAddress?: boolean;
  /** Accept queue length (Node's default 511): one listener serving thousands of proxies needs more. */
  backlog?: number;
  /** Terminate CONNECT tunnels' TLS with this certificate instead of relaying bytes (see mitmProxy). */
  interceptTls?: InterceptIdentity;
}

export interface ProxyStats {
  /** Absolute-URI requests forwarded. */
  requests: number;
  /** CONNECT tunnels opened. */
  connects: number;
  /** Requests or CONNECTs refused for missing or bad credentials. */
  authFailures: number;
}

export interface ForwardProxy extends ServerHandle {
  kind: ForwardProxyKind;
  stats: ProxyStats;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function basicAuthHeader(credentials: ProxyCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** An HTTP forward proxy (absolute-URI requests and CONNECT) that reveals itself as its `kind` says. */
export async function forwardProxy(options: ForwardProxyOptions): Promise<ForwardProxy> {
  const stats: ProxyStats = { requests: 0, connects: 0, authFailures: 0 };
  // An agent keeps a pool per local address: leaving by each connected address, kept-alive sockets would pile
  // up, one per address ever used (thousands of descriptors here and at the target), so none is kept.
  const agent = new Agent({ keepAlive: options.exitByConnectedAddress !== true, maxSockets: 512 });
  const expectedAuth = options.auth ? basicAuthHeader(options.auth) : undefined;
  const authorized = (headers: IncomingHttpHeaders): boolean => {
    if (expectedAuth === undefined || headers['proxy-authorization'] === expectedAuth) return true;
    stats.authFailures += 1;
    return false;
  };

  const server = createServer((req, res) => {
    if (!authorized(req.headers)) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="fakeproxy"', 'Content-Length': '0' }).end();
      return;
    }
    stats.requests += 1;
    forward(req, res, options, agent);
  });
  // A wildcard listener also hears other interfaces: only connections that arrived on loopback are served.
  server.on('connection', (socket: Socket) => {
    if (!isLoopbackDestination(socket.localAddress ?? '')) socket.destroy();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    client.on('error', () => client.destroy());
    if (!authorized(req.headers)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="fakeproxy"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    stats.connects += 1;
    const exitAddress = exitAddressFor(client, options);
    if (options.interceptTls) interceptTunnel(req.url ?? '', client, head, options.interceptTls, exitAddress);
    else tunnel(req.url ?? '', client, head, exitAddress);
  });
  const handle = await listen(server, options.host ?? DEFAULT_HOST, 'http', options.backlog);
  return {
    ...handle,
    kind: options.kind,
    stats,
    close: async () => {
      agent.destroy();
      await handle.close();
    },
  };
}

function forward(req: IncomingMessage, res: ServerResponse, options: ForwardProxyOptions, agent: Agent): void {
  let target: URL;
  try {
    target = new URL(req.url ?? '');
  } catch {
    res.writeHead(400, { 'Content-Length': '0' }).end();
    return;
  }
  if (target.protocol !== 'http:' || !isLoopbackDestination(target.hostname)) {
    res.writeHead(403, { 'Content-Length': '0' }).end();
    return;
  }
  const upstream = httpRequest({
    agent,
    host: target.hostname.replace(/^\[|\]$/g, ''),
    port: target.port || 80,
    method: req.method,
    path: `${target.pathname}${target.search}`,
    headers: revealedHeaders(req, options.kind),
    localAddress: exitAddressFor(req.socket, options),
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Length': '0' });
    res.end();
  });
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function exitAddressFor(client: Socket, options: ForwardProxyOptions): string | undefined {
  if (options.exitByConnectedAddress !== true) return options.exitAddress;
  const local = client.localAddress ?? '';
  return local.startsWith('::ffff:') ? local.slice(7) : local;
}

function revealedHeaders(req: IncomingMessage, kind: ForwardProxyKind): OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  if (kind === 'anonymous' || kind === 'transparent') headers.via = '1.1 fakeproxy';
  if (kind === 'transparent') headers['x-forwarded-for'] = peerAddress(req.socket);
  return headers;
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

function tunnel(authority: string, client: Socket, head: Buffer, exitAddress: string | undefined): void {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
  if (!match?.[1] || !isLoopbackDestination(match[1])) {
    client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const upstream = connect({ host: match[1], port: Number(match[2]), localAddress: exitAddress });
  const refuse = (): void => {
    if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  };
  upstream.once('error', refuse);
  client.once('close', () => upstream.destroy());
  upstream.once('connect', () => {
    upstream.off('error', refuse);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    linkSockets(client, upstream);
  });
}
