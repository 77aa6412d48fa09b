import { baseConfigShape, envInt, loadConfig, z } from '@proxy-pool/config';

/** `407,502` → [407, 502]: the statuses an upstream proxy answers itself when it cannot serve a request. */
const statusList = z
  .string()
  .default('407,502,503,504')
  .transform((value, ctx) => {
    const statuses = value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map(Number);
    if (statuses.some((status) => !Number.isInteger(status) || status < 100 || status > 599)) {
      ctx.addIssue({ code: 'custom', message: `expected comma-separated HTTP statuses, got "${value}"` });
      return z.NEVER;
    }
    return new Set(statuses);
  });

export const gatewayConfigSchema = z.object({
  ...baseConfigShape,
  /** The one port for HTTP forward proxying, CONNECT tunnels and SOCKS5. */
  GATEWAY_PORT: envInt(8000, 0, 65535),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** Upstream proxies tried per client connection (rotating to another on each failure) before giving up. */
  GATEWAY_MAX_TRIES: envInt(3, 1, 20),
  /** Upstream statuses after which an idempotent plain-HTTP request is retried on another proxy. */
  GATEWAY_RETRY_STATUSES: statusList,
  /** Rotating traffic costs 1 credit per this many new upstream connections, charged up front. */
  GATEWAY_CONNECTIONS_PER_CREDIT: envInt(100, 1, 1_000_000),
  /** Connecting to an upstream proxy and its handshake, per try. */
  GATEWAY_CONNECT_TIMEOUT_MS: envInt(5_000, 10, 120_000),
  /** A plain HTTP request's response head must arrive within this (a silent upstream is then rotated away). */
  GATEWAY_RESPONSE_TIMEOUT_MS: envInt(30_000, 10, 600_000),
  /** A client that sends nothing (no request, no SOCKS greeting) for this long is disconnected. */
  GATEWAY_CLIENT_IDLE_MS: envInt(30_000, 100, 3_600_000),
  /** Proxies drawn from per pick: the best-scored matching ones, of which one is chosen at random, weighted by score. */
  GATEWAY_CANDIDATES: envInt(50, 1, 10_000),
  /**
   * How long the best matching proxies of one filter combination stay cached for rotating connections (0: read
   * for every connection). Lease starts reach the cache at once (NOTIFY), so the cache never hands out a proxy
   * another user has leased; scores and statuses may be this old.
   */
  GATEWAY_CANDIDATE_CACHE_MS: envInt(1_000, 0, 60_000),
  /** Usage (bytes, connections) and upstream outcomes are written in batches this often. */
  GATEWAY_FLUSH_MS: envInt(1_000, 10, 60_000),
  HEALTH_PORT: envInt(9103, 0, 65535),
  HEALTH_HOST: z.string().default('0.0.0.0'),
  /** SIGTERM: stop accepting, then let open tunnels and requests finish for up to this long. */
  DRAIN_MS: envInt(25_000, 0),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
