import { Prisma } from '../generated/client/index.js';
import { sqlRows, type SqlRunner } from './client.js';

/** One outcome of one proxy on one site (see `siteOf` in @proxy-pool/site-host for the site key). */
export interface SiteOutcome {
  proxyId: string;
  /** Registrable domain, lower case. */
  targetHost: string;
  /** true: worked; false: failed or blocked (starts the site cooldown). */
  success: boolean;
  at?: Date;
  /** How many such outcomes this entry stands for (a batch of gateway connections); 1 by default. */
  count?: number;
}

/**
 * Adds outcomes to the per-(proxy, site) figures in one statement, whatever their origin (lease reports, gateway
 * outcomes, site checks). Outcomes for the same pair in one batch are summed.
 */
export async function recordSiteOutcomes(db: SqlRunner, outcomes: readonly SiteOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const now = new Date();
  await sqlRows(
    db,
    Prisma.sql`INSERT INTO proxy_site_stats AS s
        (proxy_id, target_host, successes, failures, last_success_at, last_failure_at, updated_at)
      SELECT o.proxy_id, o.target_host, coalesce(sum(o.n) FILTER (WHERE o.success), 0)::int,
        coalesce(sum(o.n) FILTER (WHERE NOT o.success), 0)::int,
        max(o.at) FILTER (WHERE o.success), max(o.at) FILTER (WHERE NOT o.success), now()
      FROM unnest(${outcomes.map((o) => o.proxyId)}::uuid[], ${outcomes.map((o) => o.targetHost)}::text[],
        ${outcomes.map((o) => o.success)}::boolean[], ${outcomes.map((o) => o.at ?? now)}::timestamptz[],
        ${outcomes.map((o) => o.count ?? 1)}::int[])
        AS o(proxy_id, target_host, success, at, n)
      WHERE EXISTS (SELECT 1 FROM proxies p WHERE p.id = o.proxy_id)
      GROUP BY o.proxy_id, o.target_host
      ORDER BY o.proxy_id, o.target_host
      ON CONFLICT (proxy_id, target_host) DO UPDATE SET
        successes = s.successes + excluded.successes,
        failures = s.failures + excluded.failures,
        last_success_at = GREATEST(s.last_success_at, excluded.last_success_at),
        last_failure_at = GREATEST(s.last_failure_at, excluded.last_failure_at),
        updated_at = now()`,
  );
}

/**
 * Beta(1, 1) prior: a site rate of (successes + 1) / (successes + failures + 2); 0.5 with nothing known. A `real`,
 * like the score, so a rate read back from a cursor compares exactly.
 */
export const SITE_RATE_SQL = Prisma.sql`((s.successes + 1)::real / (s.successes + s.failures + 2)::real)`;

/** `target=`: the site a query is for, and how long a failure on it keeps a proxy out. */
export interface SiteFilter {
  /** Registrable domain (siteOf). */
  host: string;
  cooldownMinutes: number;
}

/**
 * Leaves out proxies with a failure (blocked or failed) on the site within the cooldown: one primary-key probe
 * of the proxy's figures on the site, so it costs the same in an index walk, a per-proxy lookup and a count (an
 * anti-join). Fits any query over proxies, aliased or not: `id` is the proxy row's (proxy_site_stats has none).
 */
export function siteCooldownCondition(site: SiteFilter): Prisma.Sql {
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM proxy_site_stats cooled WHERE cooled.proxy_id = id
    AND cooled.target_host = ${site.host} AND cooled.last_failure_at > now() - make_interval(mins => ${site.cooldownMinutes}::int))`;
}

/** The site rate of the proxy whose id is `proxyId` (a column reference): 0.5 when it was never seen there. */
export function siteRateOf(proxyId: Prisma.Sql, host: string): Prisma.Sql {
  return Prisma.sql`coalesce((SELECT ${SITE_RATE_SQL} FROM proxy_site_stats s
    WHERE s.proxy_id = ${proxyId} AND s.target_host = ${host}), 0.5::real)`;
}

export interface ProxySiteFigures {
  target_host: string;
  successes: number;
  failures: number;
  rate: number;
  last_success_at: Date | null;
  last_failure_at: Date | null;
}

/** A proxy's per-site figures, the most recently seen sites first. */
export async function proxySiteFigures(db: SqlRunner, proxyId: string, limit: number): Promise<ProxySiteFigures[]> {
  return sqlRows<ProxySiteFigures>(
    db,
    Prisma.sql`SELECT s.target_host, s.successes, s.failures, ${SITE_RATE_SQL} AS rate, s.last_success_at, s.last_failure_at
      FROM proxy_site_stats s WHERE s.proxy_id = ${proxyId}::uuid
      ORDER BY greatest(s.last_success_at, s.last_failure_at) DESC NULLS LAST, s.target_host LIMIT ${limit}`,
  );
}
