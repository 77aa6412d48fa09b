import { Prisma } from '../generated/client/index.js';
import type { Anonymity, ProxyProtocol, ProxyStatus } from '../generated/client/index.js';
import type { Database } from './client.js';

export const PROXY_SORTS = ['score', 'latency', 'uptime', 'last_checked'] as const;
export type ProxySort = (typeof PROXY_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

export interface ProxyFilters {
  status?: ProxyStatus;
  protocol?: ProxyProtocol;
  anonymity?: Anonymity;
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  minScore?: number;
  maxLatencyMs?: number;
  minUptimePct?: number;
  verifiedWithinMinutes?: number;
}

/** Where a page ends: the sort column's value as PostgreSQL text (exact, null for NULL) and the row id. */
export interface ProxyPosition {
  value: string | null;
  id: string;
}

export interface ProxyPageQuery {
  filters: ProxyFilters;
  sort: ProxySort;
  order: SortOrder;
  /** Rows to fetch (callers ask for one more than they show, to learn whether a next page exists). */
  limit: number;
  after?: ProxyPosition;
}

export interface ProxyListRow {
  id: string;
  ip: string;
  port: number;
  protocol: ProxyProtocol;
  status: ProxyStatus;
  anonymity: Anonymity | null;
  exit_ip: string | null;
  country: string | null;
  score: number;
  avg_latency_ms: number | null;
  uptime_pct: number;
  last_checked_at: Date | null;
  first_seen_at: Date;
  tags: unknown;
  /** The sort column as exact PostgreSQL text, for the next cursor. */
  sort_key: string | null;
}

interface SortSpec {
  column: Prisma.Sql;
  nullable: boolean;
  /** Tie-break direction relative to the sort direction, chosen so every page is one walk of an existing index. */
  idFollowsOrder: boolean;
  /** The index has no status prefix only for score; the others are walked once per status and merged. */
  needsStatusSplit: boolean;
}

const SORTS: Record<ProxySort, SortSpec> = {
  score: { column: Prisma.raw('score'), nullable: false, idFollowsOrder: false, needsStatusSplit: false },
  latency: { column: Prisma.raw('avg_latency_ms'), nullable: true, idFollowsOrder: true, needsStatusSplit: true },
  uptime: { column: Prisma.raw('uptime_ratio'), nullable: false, idFollowsOrder: true, needsStatusSplit: true },
  last_checked: { column: Prisma.raw('last_checked_at'), nullable: true, idFollowsOrder: true, needsStatusSplit: true },
};

const STATUSES: readonly ProxyStatus[] = ['active', 'dead', 'unchecked'];

const COLUMNS = Prisma.sql`id, host(ip) AS ip, port, protocol, status, anonymity, host(exit_ip) AS exit_ip, country, score,
  avg_latency_ms, uptime_ratio * 100::real AS uptime_pct, last_checked_at, first_seen_at, tags`;

/** The WHERE conditions of the filters. Float comparisons happen in `real`, the columns' own type, so a
 * value shown in an answer (e.g. score 0.87) matches the same value given as a filter. */
export function proxyFilterConditions(filters: ProxyFilters): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filters.status) where.push(Prisma.sql`status = ${filters.status}::"ProxyStatus"`);
  if (filters.protocol) where.push(Prisma.sql`protocol = ${filters.protocol}::"ProxyProtocol"`);
  if (filters.anonymity) where.push(Prisma.sql`anonymity = ${filters.anonymity}::"Anonymity"`);
  if (filters.country) where.push(Prisma.sql`country = ${filters.country}::bpchar`);
  if (filters.minScore !== undefined) where.push(Prisma.sql`score >= ${filters.minScore}::real`);
  if (filters.maxLatencyMs !== undefined) where.push(Prisma.sql`avg_latency_ms <= ${filters.maxLatencyMs}::real`);
  if (filters.minUptimePct !== undefined) where.push(Prisma.sql`uptime_ratio >= (${filters.minUptimePct}::float8 / 100)::real`);
  if (filters.verifiedWithinMinutes !== undefined) {
    where.push(Prisma.sql`last_checked_at >= now() - make_interval(mins => ${filters.verifiedWithinMinutes}::int)`);
  }
  return where;
}

export const sqlAnd = (conditions: Prisma.Sql[]) => (conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`);
const dir = (order: SortOrder) => Prisma.raw(order === 'asc' ? 'ASC' : 'DESC');

/**
 * One page of proxies by keyset pagination: NULL sort values come last in either direction, ties are broken
 * by id. The position after a cursor is split into exact index ranges ("same value, later id" and "later
 * value"), so a deep page costs the same as the first. NULL rows are read only when the non-NULL rows run out.
 */
export async function queryProxyPage(db: Database, query: ProxyPageQuery): Promise<ProxyListRow[]> {
  const spec = SORTS[query.sort];
  const idOrder: SortOrder = spec.idFollowsOrder ? query.order : query.order === 'asc' ? 'desc' : 'asc';
  const idAfter = (id: string) => (idOrder === 'asc' ? Prisma.sql`id > ${id}::uuid` : Prisma.sql`id < ${id}::uuid`);
  const col = spec.column;
  const cast = query.sort === 'last_checked' ? Prisma.raw('timestamptz') : Prisma.raw('real');
  const valueOrder = Prisma.sql`${col} ${dir(query.order)}, id ${dir(idOrder)}`;
  const idOnlyOrder = Prisma.sql`id ${dir(idOrder)}`;
  const after = query.after;
  const rows: ProxyListRow[] = [];

  if (after?.value !== null) {
    const segments: Array<{ where: Prisma.Sql[]; order: Prisma.Sql }> = [];
    if (after) {
      const beyond = query.order === 'asc' ? Prisma.sql`${col} > ${after.value}::${cast}` : Prisma.sql`${col} < ${after.value}::${cast}`;
      segments.push({ where: [Prisma.sql`${col} = ${after.value}::${cast}`, idAfter(after.id)], order: idOnlyOrder });
      segments.push({ where: [beyond], order: valueOrder });
    } else {
      segments.push({ where: spec.nullable ? [Prisma.sql`${col} IS NOT NULL`] : [], order: valueOrder });
    }
    const merge = Prisma.sql`sort_value ${dir(query.order)}, id ${dir(idOrder)}`;
    rows.push(...(await runSegments(db, query, spec, segments, merge, query.limit)));
  }
  if (rows.length < query.limit && spec.nullable && !filtersExcludeNull(query)) {
    const where = [Prisma.sql`${col} IS NULL`];
    if (after?.value === null) where.push(idAfter(after.id));
    rows.push(...(await runSegments(db, query, spec, [{ where, order: idOnlyOrder }], idOnlyOrder, query.limit - rows.length)));
  }
  return rows;
}

function filtersExcludeNull(query: ProxyPageQuery): boolean {
  if (query.sort === 'latency') return query.filters.maxLatencyMs !== undefined;
  if (query.sort === 'last_checked') return query.filters.verifiedWithinMinutes !== undefined;
  return false;
}

async function runSegments(
  db: Database,
  query: ProxyPageQuery,
  spec: SortSpec,
  segments: Array<{ where: Prisma.Sql[]; order: Prisma.Sql }>,
  /** Order of the merged segments, on output columns (`sort_value` is the sort column). */
  mergeOrder: Prisma.Sql,
  limit: number,
): Promise<ProxyListRow[]> {
  const base = proxyFilterConditions(query.filters);
  const statuses: Array<ProxyStatus | undefined> = spec.needsStatusSplit && !query.filters.status ? [...STATUSES] : [undefined];
  const parts = statuses.flatMap((status) =>
    segments.map((segment) => {
      const where = [...base, ...(status ? [Prisma.sql`status = ${status}::"ProxyStatus"`] : []), ...segment.where];
      return Prisma.sql`SELECT ${COLUMNS}, ${spec.column}::text AS sort_key, ${spec.column} AS sort_value
        FROM proxies WHERE ${sqlAnd(where)} ORDER BY ${segment.order} LIMIT ${limit}`;
    }),
  );
  const [single] = parts;
  const sql =
    parts.length === 1 && single
      ? single
      : Prisma.sql`SELECT * FROM (${Prisma.join(parts.map((part) => Prisma.sql`(${part})`), ' UNION ALL ')}) AS page
          ORDER BY ${mergeOrder} LIMIT ${limit}`;
  return db.$queryRaw<ProxyListRow[]>(sql);
}

/** Exact number of proxies matching the filters. */
export async function countProxies(db: Database, filters: ProxyFilters): Promise<number> {
  const where = proxyFilterConditions(filters);
  // A recency window is usually a small slice of the pool, but its index starts with status: naming every
  // status (a tautology) lets the planner read just that slice instead of scanning the table.
  if (filters.verifiedWithinMinutes !== undefined && !filters.status) where.push(Prisma.sql`status = ANY('{active,dead,unchecked}'::"ProxyStatus"[])`);
  const [row] = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM proxies WHERE ${sqlAnd(where)}`;
  return row?.n ?? 0;
}
