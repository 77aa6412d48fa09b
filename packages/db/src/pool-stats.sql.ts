import { ANONYMITY_LEVELS, PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { Prisma, ProxyStatus, type Anonymity, type ProxyProtocol } from '../generated/client/index.js';
import type { Database } from './client.js';

export interface PoolStatsRow {
  total: number;
  by_status: Record<ProxyStatus, number>;
  by_protocol: Record<ProxyProtocol, number>;
  /** Active proxies only: anonymity of a dead or unchecked proxy is stale or unknown. */
  by_anonymity: Record<Anonymity, number>;
  /** Over active proxies; null when there are none. */
  avg_score: number | null;
  avg_latency_ms: number | null;
  sources_active: number;
  sources_total: number;
  last_scrape_at: Date | null;
  last_validation_at: Date | null;
}

/** The column each breakdown counts, with its enum type (the values are bound as parameters of that type). */
const BREAKDOWNS = {
  status: { enumType: '"ProxyStatus"', values: Object.values(ProxyStatus), activeOnly: false },
  protocol: { enumType: '"ProxyProtocol"', values: PROXY_PROTOCOLS, activeOnly: false },
  anonymity: { enumType: '"Anonymity"', values: ANONYMITY_LEVELS, activeOnly: true },
} as const;
type Breakdown = keyof typeof BREAKDOWNS;

/** One `count(*) FILTER (…)` column per value of the breakdown, named `<column>:<value>`. */
function countColumns(column: Breakdown): Prisma.Sql {
  const { enumType, values, activeOnly } = BREAKDOWNS[column];
  const scope = Prisma.raw(activeOnly ? "status = 'active' AND " : '');
  return Prisma.join(
    values.map(
      (value: string) =>
        Prisma.sql`count(*) FILTER (WHERE ${scope}${Prisma.raw(column)} = ${value}::${Prisma.raw(enumType)})::int AS ${Prisma.raw(`"${column}:${value}"`)}`,
    ),
  );
}

/** The pool overview in one pass over proxies (callers cache it: at a million rows it takes a few hundred ms). */
export async function readPoolStats(db: Database | Prisma.TransactionClient): Promise<PoolStatsRow> {
  const [row] = await db.$queryRaw<Array<Record<string, number | Date | null>>>`
    SELECT count(*)::int AS total,
      ${countColumns('status')}, ${countColumns('protocol')}, ${countColumns('anonymity')},
      (avg(score) FILTER (WHERE status = 'active'))::float8 AS avg_score,
      (avg(avg_latency_ms) FILTER (WHERE status = 'active'))::float8 AS avg_latency_ms,
      max(last_checked_at) AS last_validation_at,
      (SELECT count(*) FILTER (WHERE is_active) FROM sources)::int AS sources_active,
      (SELECT count(*) FROM sources)::int AS sources_total,
      (SELECT max(last_scraped_at) FROM sources) AS last_scrape_at
    FROM proxies`;
  const n = (key: string) => Number(row?.[key] ?? 0);
  const orNull = <T>(key: string) => (row?.[key] ?? null) as T | null;
  const counts = <C extends Breakdown>(column: C) =>
    Object.fromEntries(BREAKDOWNS[column].values.map((value: string) => [value, n(`${column}:${value}`)])) as Record<
      (typeof BREAKDOWNS)[C]['values'][number],
      number
    >;
  return {
    total: n('total'),
    by_status: counts('status'),
    by_protocol: counts('protocol'),
    by_anonymity: counts('anonymity'),
    avg_score: orNull<number>('avg_score'),
    avg_latency_ms: orNull<number>('avg_latency_ms'),
    sources_active: n('sources_active'),
    sources_total: n('sources_total'),
    last_scrape_at: orNull<Date>('last_scrape_at'),
    last_validation_at: orNull<Date>('last_validation_at'),
  };
}
