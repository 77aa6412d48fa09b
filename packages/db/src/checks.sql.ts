import { Prisma } from '../generated/client/index.js';
import type { ProxyProtocol } from '../generated/client/index.js';
import type { ValidationTarget } from './check-claims.sql.js';
import type { Database } from './client.js';
import type { ProxyListRow } from './proxies.sql.js';

/** One proxy in the list-item shape (`sort_key` null), or null when the id is unknown. */
export async function findProxyRow(db: Database, id: string): Promise<ProxyListRow | null> {
  const [row] = await db.$queryRaw<ProxyListRow[]>`
    SELECT id, host(ip) AS ip, port, protocol, status, anonymity, host(exit_ip) AS exit_ip, country, score, avg_latency_ms,
           uptime_ratio * 100::real AS uptime_pct, last_checked_at, first_seen_at, tags, asn, as_org, ip_type, mitm,
           NULL::text AS sort_key
    FROM proxies WHERE id = ${id}::uuid`;
  return row ?? null;
}

export interface RecentCheck {
  checker_name: string;
  stage: number;
  passed: boolean;
  latency_ms: number | null;
  detail: string;
  created_at: Date;
}

/**
 * A proxy's newest check rows, newest first (later stages first among rows of the same instant): its newest
 * validation from the proxy row, then the history (failures and status changes) before it.
 */
export function recentProxyChecks(db: Database, proxyId: string, limit: number): Promise<RecentCheck[]> {
  return db.$queryRaw<RecentCheck[]>`
    WITH newest AS (
      SELECT c.checker_name, c.stage, c.passed, c.latency_ms, c.detail, c.created_at
      FROM proxies p, jsonb_to_recordset(coalesce(p.last_checks, '[]'::jsonb))
        AS c(checker_name text, stage int, passed boolean, latency_ms real, detail text, created_at timestamptz)
      WHERE p.id = ${proxyId}::uuid)
    SELECT * FROM newest
    UNION ALL
    (SELECT h.checker_name, h.stage::int, h.passed, h.latency_ms, h.detail, h.created_at FROM history.proxy_checks h
     WHERE h.proxy_id = ${proxyId}::uuid
       AND h.created_at < coalesce((SELECT min(created_at) FROM newest), 'infinity')
     ORDER BY h.created_at DESC, h.stage DESC LIMIT ${limit})
    ORDER BY created_at DESC, stage DESC LIMIT ${limit}`;
}

/** The `count` best active proxies (score desc) matching the optional protocol and country. */
export function selectUrlTestProxies(
  db: Database,
  filters: { count: number; protocol?: ProxyProtocol | undefined; country?: string | undefined },
): Promise<ValidationTarget[]> {
  const where = [Prisma.sql`status = 'active'`];
  if (filters.protocol) where.push(Prisma.sql`protocol = ${filters.protocol}::"ProxyProtocol"`);
  if (filters.country) where.push(Prisma.sql`country = ${filters.country.toUpperCase()}::bpchar`);
  return db.$queryRaw<ValidationTarget[]>`
    SELECT id, host(ip) AS ip, port, protocol, username, password FROM proxies
    WHERE ${Prisma.join(where, ' AND ')} ORDER BY score DESC, id LIMIT ${filters.count}`;
}
