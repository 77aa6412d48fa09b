import { anyGatewayMatch, type Database } from '@proxy-pool/db';
import type { ProxyProtocol } from '@proxy-pool/plugin-contracts';
import type { ConnectionCredits } from '../billing/connection-credits.js';
import { GatewayError } from '../gateway-error.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewayClient } from '../steering/authenticate.js';
import type { CandidatePool } from '../steering/candidate-pool.js';
import type { SessionLease, StickySessions } from '../steering/sticky-sessions.js';
import { drawWeighted, proxyWeight } from '../steering/weighted-draw.js';
import { dialUpstream, type DialedSocket } from '../upstream/dial.js';
import type { Target, Upstream } from '../upstream/upstream.js';
import { UpstreamFailure } from '../upstream/upstream-failure.js';
import type { OutcomeFeedback } from '../usage/outcome-feedback.js';
import type { UsageMeter } from '../usage/usage-meter.js';

export interface RouteServices {
  db: Database;
  candidatePool: CandidatePool;
  sessions: StickySessions;
  credits: ConnectionCredits;
  usage: UsageMeter;
  outcomes: OutcomeFeedback;
  metrics: GatewayMetrics;
  maxTries: number;
  candidates: number;
  connectTimeoutMs: number;
  /** Waiting for an upstream's response head to a plain HTTP request. */
  responseTimeoutMs: number;
}

/**
 * `tunnel`: a byte stream to `target` (CONNECT, SOCKS5), through CONNECT or SOCKS upstreams.
 * `forward`: a plain HTTP request, sent as an absolute-URI request to http upstreams, inside a tunnel
 * through the others.
 */
export type RouteKind = 'tunnel' | 'forward';

/** Tunnels need an upstream that opens tunnels: a pool proxy listed as `http` is only known to forward requests. */
const TUNNEL_PROTOCOLS: readonly ProxyProtocol[] = ['https', 'socks4', 'socks5'];
const ALL_PROTOCOLS: readonly ProxyProtocol[] = ['http', 'https', 'socks4', 'socks5'];

export interface Route<T> {
  result: T;
  upstream: Upstream;
  tries: number;
  /** Set for sticky sessions; `moved` when this connection moved the session to a new lease. */
  session?: { id: string; moved: boolean };
}

/**
 * What to do with an upstream: `dial` opens a connection through it (to the target where the kind tunnels
 * there); throwing UpstreamFailure rotates to the next proxy (e.g. a retryable status).
 */
export type UseUpstream<T> = (dial: () => Promise<DialedSocket>, upstream: Upstream) => Promise<T>;

/**
 * Whether this kind of connection goes to `upstream` as a tunnel to `target` (else: to the proxy itself, as
 * an absolute-URI request). Plain requests go through a tunnel wherever the upstream opens one: its handshake
 * proves the proxy works before the request is sent, so a dead or silent proxy is rotated away in
 * GATEWAY_CONNECT_TIMEOUT_MS; only `http` proxies (not known to tunnel) get the request itself.
 */
export function tunnelsTo(kind: RouteKind, upstream: Upstream): boolean {
  return kind === 'tunnel' || upstream.protocol !== 'http';
}

/**
 * Finds an upstream for one client connection and runs `use` on it, rotating to another proxy on every
 * failure, up to `maxTries`, before the client has been sent anything. Rotating connections are paid for
 * up front (and given back when every try failed); a sticky session uses its lease, moved to a new one when
 * its proxy fails.
 */
export async function routeThroughPool<T>(
  services: RouteServices,
  client: GatewayClient,
  kind: RouteKind,
  target: Target,
  use: UseUpstream<T>,
): Promise<Route<T>> {
  const { params } = client;
  if (params.session !== undefined)
    return routeSticky(services, client, { ...params, session: params.session }, kind, target, use);
  const protocols = params.protocol ? [params.protocol] : kind === 'tunnel' ? TUNNEL_PROTOCOLS : ALL_PROTOCOLS;
  // A tunnel may carry TLS: never through a proxy seen intercepting it.
  const query = { filters: kind === 'tunnel' ? { ...params, mitm: false } : params, protocols };
  const candidates = await services.candidatePool.pick({
    ...query,
    userId: client.userId,
    limit: services.candidates,
  });
  if (candidates.length === 0) {
    if (await anyGatewayMatch(services.db, query))
      throw new GatewayError('ALL_PROXIES_LEASED', 'Every matching proxy is leased to another user.');
    throw new GatewayError('NO_MATCHING_PROXY', 'No active proxy matches the parameters.');
  }
  // Paid only once something matches: a refused connection never buys a block.
  if (!(await services.credits.take(client.userId))) {
    throw new GatewayError('INSUFFICIENT_CREDITS', 'Rotating connections need credits. Current balance: 0.');
  }
  const order = drawWeighted(candidates, proxyWeight, services.maxTries);
  let lastFailure: UpstreamFailure | undefined;
  for (const [index, upstream] of order.entries()) {
    try {
      const result = await tryUpstream(services, client, kind, target, upstream, use);
      services.metrics.tries.observe(index + 1);
      return { result, upstream, tries: index + 1 };
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) throw error;
      lastFailure = error;
    }
  }
  services.metrics.tries.observe(order.length);
  await services.credits.giveBack(client.userId);
  throw new GatewayError(
    'UPSTREAM_FAILED',
    `${order.length} upstream ${order.length === 1 ? 'proxy' : 'proxies'} failed; the last: ${lastFailure?.message ?? 'unknown'}.`,
  );
}

async function routeSticky<T>(
  services: RouteServices,
  client: GatewayClient,
  params: GatewayClient['params'] & { session: string },
  kind: RouteKind,
  target: Target,
  use: UseUpstream<T>,
): Promise<Route<T>> {
  let lease: SessionLease = await services.sessions.current(client, params);
  let moved = false;
  let lastFailure: UpstreamFailure | undefined;
  for (let tries = 1; tries <= services.maxTries; tries += 1) {
    try {
      const result = await tryUpstream(services, client, kind, target, lease.proxy, use);
      services.metrics.tries.observe(tries);
      return { result, upstream: lease.proxy, tries, session: { id: params.session, moved } };
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) throw error;
      lastFailure = error;
      if (tries === services.maxTries) break;
      lease = await services.sessions.move(client, params, lease);
      moved = true;
    }
  }
  services.metrics.tries.observe(services.maxTries);
  throw new GatewayError(
    'UPSTREAM_FAILED',
    `The session's proxies failed ${services.maxTries} times; the last: ${lastFailure?.message ?? 'unknown'}.`,
  );
}

async function tryUpstream<T>(
  services: RouteServices,
  client: GatewayClient,
  kind: RouteKind,
  target: Target,
  upstream: Upstream,
  use: UseUpstream<T>,
): Promise<T> {
  services.usage.add(client.apiKeyId, client.userId, { connections: 1 });
  const dial = async (): Promise<DialedSocket> => {
    const started = performance.now();
    const dialed = await dialUpstream(
      upstream,
      tunnelsTo(kind, upstream) ? target : undefined,
      services.connectTimeoutMs,
      kind === 'tunnel',
    );
    services.metrics.upstreamLatency.observe({ protocol: upstream.protocol }, (performance.now() - started) / 1000);
    return dialed;
  };
  try {
    const result = await use(dial, upstream);
    services.outcomes.succeeded(upstream.id);
    // A tunnel that reached the target is a success on its site; plain requests are judged by their answer
    // (the HTTP front records those).
    if (kind === 'tunnel') services.outcomes.siteOutcome(upstream.id, target.host, true);
    return result;
  } catch (error) {
    if (error instanceof UpstreamFailure) services.outcomes.failed(upstream.id, error.kind);
    throw error;
  }
}
