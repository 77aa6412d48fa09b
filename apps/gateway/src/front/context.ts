import type { Logger } from '@proxy-pool/logger';
import type { GatewayMetrics } from '../metrics.js';
import type { RouteServices } from '../relay/route.js';
import type { GatewayClient, Authenticators } from '../steering/authenticate.js';
import type { TunnelBytes } from '../relay/tunnel.js';

/** What the protocol fronts share: authentication, routing, metering, and the open connections to drain. */
export interface FrontContext {
  auth: Authenticators;
  route: RouteServices;
  metrics: GatewayMetrics;
  logger: Logger;
  retryStatuses: ReadonlySet<number>;
  clientIdleMs: number;
  /** Counts a finished tunnel or exchange: bytes per key and in the metrics. */
  meter(client: GatewayClient, bytes: TunnelBytes): void;
  /** Exchanges and tunnels open now (the drain waits for them). */
  active: Set<{ close(): void }>;
}
