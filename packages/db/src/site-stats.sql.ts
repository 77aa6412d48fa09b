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
      SELECT o.proxy_id, o.target_host, count(*) FILTER (WHERE o.success), count(*) FILTER (WHERE NOT o.success),
        max(o.at) FILTER (WHERE o.success), max(o.at) FILTER (WHERE NOT o.success), now()
      FROM unnest(${outcomes.map((o) => o.proxyId)}::uuid[], ${outcomes.map((o) => o.targetHost)}::text[],
        ${outcomes.map((o) => o.success)}::boolean[], ${outcomes.map((o) => o.at ?? now)}::timestamptz[])
        AS o(proxy_id, target_host, success, at)
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

/** Beta(1, 1) prior: a site rate of (successes + 1) / (successes + failures + 2); 0.5 with nothing known. */
export const SITE_RATE_SQL = Prisma.sql`((s.successes + 1)::real / (s.successes + s.failures + 2))`;
