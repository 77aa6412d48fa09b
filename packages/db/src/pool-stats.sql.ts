import type { Prisma } from '../generated/client/index.js';
import type { Database } from './client.js';

export interface PoolStatsRow {
  total: number;
  by_status: { active: number; dead: number; unchecked: number };
  by_protocol: { http: number; https: number; socks4: number; socks5: number };
  /** Active proxies only: anonymity of a dead or unchecked proxy is stale or unknown. */
  by_anonymity: { transparent: number; anonymous: number; elite: number };
  /** Over active proxies; null when there are none. */
  avg_score: number | null;
  avg_latency_ms: number | null;
  sources_active: number;
  sources_total: number;
  last_scrape_at: Date | null;
  last_validation_at: Date | null;
}

/** The pool overview in one pass over proxies (callers cache it: at a million rows it takes a few hundred ms). */
export async function readPoolStats(db: Database | Prisma.TransactionClient): Promise<PoolStatsRow> {
  const [row] = await db.$queryRaw<Array<Record<string, number | Date | null>>>`
    SELECT count(*)::int AS total,
      count(*) FILTER (WHERE status = 'active')::int AS active,
      count(*) FILTER (WHERE status = 'dead')::int AS dead,
      count(*) FILTER (WHERE status = 'unchecked')::int AS unchecked,
      count(*) FILTER (WHERE protocol = 'http')::int AS http,
      count(*) FILTER (WHERE protocol = 'https')::int AS https,
      count(*) FILTER (WHERE protocol = 'socks4')::int AS socks4,
      count(*) FILTER (WHERE protocol = 'socks5')::int AS socks5,
      count(*) FILTER (WHERE status = 'active' AND anonymity = 'transparent')::int AS transparent,
      count(*) FILTER (WHERE status = 'active' AND anonymity = 'anonymous')::int AS anonymous,
      count(*) FILTER (WHERE status = 'active' AND anonymity = 'elite')::int AS elite,
      (avg(score) FILTER (WHERE status = 'active'))::float8 AS avg_score,
      (avg(avg_latency_ms) FILTER (WHERE status = 'active'))::float8 AS avg_latency_ms,
      max(last_checked_at) AS last_validation_at,
      (SELECT count(*) FILTER (WHERE is_active) FROM sources)::int AS sources_active,
      (SELECT count(*) FROM sources)::int AS sources_total,
      (SELECT max(last_scraped_at) FROM sources) AS last_scrape_at
    FROM proxies`;
  const n = (key: string) => Number(row?.[key] ?? 0);
  const orNull = <T>(key: string) => (row?.[key] ?? null) as T | null;
  return {
    total: n('total'),
    by_status: { active: n('active'), dead: n('dead'), unchecked: n('unchecked') },
    by_protocol: { http: n('http'), https: n('https'), socks4: n('socks4'), socks5: n('socks5') },
    by_anonymity: { transparent: n('transparent'), anonymous: n('anonymous'), elite: n('elite') },
    avg_score: orNull<number>('avg_score'),
    avg_latency_ms: orNull<number>('avg_latency_ms'),
    sources_active: n('sources_active'),
    sources_total: n('sources_total'),
    last_scrape_at: orNull<Date>('last_scrape_at'),
    last_validation_at: orNull<Date>('last_validation_at'),
  };
}
