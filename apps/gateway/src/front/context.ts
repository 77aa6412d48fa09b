import type { Logger } from '@proxy-pool/logger';
import type { GatewayMetrics } from '../metrics.js';
import type { RouteServices } from '../relay/route.js';
import type { ForwardAgent } from '../upstream/forward-agent.js';
import type { GatewayClient, Authenticators } from '../steering/authenticate.js';
import { relayTunnel, type TunnelBytes } from '../relay/tunnel.js';
import type { Socket } from 'node:net';
import type { DialedSocket } from '../upstream/dial.js';

/** What the protocol fronts share: authentication, routing, metering, and the open connections to drain. */
export interface FrontContext {
  auth: Authenticators;
  route: RouteServices;
  metrics: GatewayMetrics;
  logger: Logger;
  retryStatuses: ReadonlySet<number>;
  /** Kept connections to `http` upstream proxies for plain requests safe to repeat. */
  forwardAgent: ForwardAgent;
  clientIdleMs: number;
  /** Counts a finished tunnel or exchange: bytes per key and in the metrics. */
  meter(client: GatewayClient, bytes: TunnelBytes): void;
  /** Exchanges and tunnels open now (the drain waits for them). */
  active: Set<{ close(): void }>;
}

/**
 * Relays an established tunnel (the client has had its success answer) and keeps the books: served and open
 * tunnels in the metrics, the drain's list, the client's bytes when it closes.
 */
export function serveTunnel(
  context: FrontContext,
  kind: 'connect' | 'socks5',
  tunnel: {
    client: GatewayClient;
    socket: Socket;
    upstream: DialedSocket;
    clientHead: Buffer;
    handle: { close(): void };
  },
): void {
  context.metrics.connections.inc({ kind, outcome: 'served' });
  context.metrics.activeTunnels.inc();
  relayTunnel(tunnel.socket, tunnel.upstream, tunnel.clientHead, (bytes) => {
    context.metrics.activeTunnels.dec();
    context.active.delete(tunnel.handle);
    context.meter(tunnel.client, bytes);
  });
}
