import { Prisma, ProxyStatus } from '../generated/client/index.js';
import type { Anonymity, IpType, ProxyProtocol } from '../generated/client/index.js';
import { sqlRows, type Database } from './client.js';
import { siteCooldownCondition, type SiteFilter } from './site-stats.sql.js';
import { worksForCondition } from './site-checks.sql.js';

export const PROXY_SORTS = ['score', 'latency', 'uptime', 'last_checked'] as const;
export type ProxySort = (typeof PROXY_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

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
  /** The exit IP's autonomous system number. */
  asn?: number;
  ipType?: IpType;
  /** The TLS integrity verdict: true, proxies seen intercepting TLS; false, the others. */
  mitm?: boolean;
  /** `target=`: proxies with a failure on the site within its cooldown are left out (siteCooldownCondition). */
  site?: SiteFilter;
  /** A site check's name: only proxies whose latest result on it passed within its window (worksForCondition). */
  worksFor?: string;
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
  asn: number | null;
  as_org: string | null;
  ip_type: IpType;
  mitm: boolean;
  /** The sort column as exact PostgreSQL text, for the next cursor. */
  sort_key: string | null;
}

interface SortSpec {
  column: Prisma.Sql;
  /** The column's value on every unchecked proxy (constraint proxies_unchecked_blank). */
  blank: Prisma.Sql;
  nullable: boolean;
  /** Tie-break direction relative to the sort direction, chosen so every page is one walk of an existing index. */
  idFollowsOrder: boolean;
}

const SORTS: Record<ProxySort, SortSpec> = {
  score: { column: Prisma.raw('score'), blank: Prisma.raw('0::real'), nullable: false, idFollowsOrder: false },
  latency: {
    column: Prisma.raw('avg_latency_ms'),
    blank: Prisma.raw('NULL::real'),
    nullable: true,
    idFollowsOrder: true,
  },
  uptime: { column: Prisma.raw('uptime_ratio'), blank: Prisma.raw('0::real'), nullable: false, idFollowsOrder: true },
  last_checked: {
    column: Prisma.raw('last_checked_at'),
    blank: Prisma.raw('NULL::timestamptz'),
    nullable: true,
    idFollowsOrder: true,
  },
};

/**
 * The statuses a page must walk. Every sort index starts with status, so without a status filter each status
 * is walked on its own and the walks merged. An unchecked proxy has never been checked (the
 * `proxies_unchecked_blank` constraint): no country, anonymity, latency or check time, score and uptime 0; nor
 * has it an AS (asn null, ip_type unknown).
 * A filter on any of those cannot match it, and its walk, which would read every unchecked row to find
 * nothing, is left out.
 */
export function statusesToWalk(filters: ProxyFilters): ProxyStatus[] {
  if (filters.status) return [filters.status];
  const needsChecked =
    filters.country !== undefined ||
    filters.anonymity !== undefined ||
    filters.maxLatencyMs !== undefined ||
    filters.verifiedWithinMinutes !== undefined ||
    filters.asn !== undefined ||
    filters.mitm === true ||
    (filters.ipType !== undefined && filters.ipType !== 'unknown') ||
    filters.worksFor !== undefined ||
    (filters.minScore ?? 0) > 0 ||
    (filters.minUptimePct ?? 0) > 0;
  const all = Object.values(ProxyStatus);
  return needsChecked ? all.filter((status) => status !== 'unchecked') : all;
}

/** The columns of a list item (ProxyListRow without sort_key), over an unaliased `proxies`. */
export const PROXY_LIST_COLUMNS = Prisma.sql`id, host(ip) AS ip, port, protocol, status, anonymity, host(exit_ip) AS exit_ip, country, score,
  avg_latency_ms, uptime_ratio * 100::real AS uptime_pct, last_checked_at, first_seen_at, tags, asn, as_org, ip_type, mitm`;

/** The WHERE conditions of the filters. Float comparisons happen in `real`, the columns' own type, so a
 * value shown in an answer (e.g. score 0.87) matches the same value given as a filter. */
export function proxyFilterConditions(filters: ProxyFilters): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filters.status) where.push(Prisma.sql`status = ${filters.status}::"ProxyStatus"`);
  if (filters.protocol) where.push(Prisma.sql`protocol = ${filters.protocol}::"ProxyProtocol"`);
  if (filters.anonymity) where.push(Prisma.sql`anonymity = ${filters.anonymity}::"Anonymity"`);
  if (filters.country) where.push(Prisma.sql`country = ${filters.country}::bpchar`);
  if (filters.asn !== undefined) where.push(Prisma.sql`asn = ${filters.asn}::int`);
  if (filters.ipType) where.push(Prisma.sql`ip_type = ${filters.ipType}::"IpType"`);
  if (filters.mitm !== undefined) where.push(Prisma.sql`mitm = ${filters.mitm}::boolean`);
  if (filters.minScore !== undefined) where.push(Prisma.sql`score >= ${filters.minScore}::real`);
  if (filters.maxLatencyMs !== undefined) where.push(Prisma.sql`avg_latency_ms <= ${filters.maxLatencyMs}::real`);
  if (filters.minUptimePct !== undefined)
    where.push(Prisma.sql`uptime_ratio >= (${filters.minUptimePct}::float8 / 100)::real`);
  if (filters.verifiedWithinMinutes !== undefined) {
    where.push(Prisma.sql`last_checked_at >= now() - make_interval(mins => ${filters.verifiedWithinMinutes}::int)`);
  }
  if (filters.worksFor !== undefined) where.push(worksForCondition(filters.worksFor));
  if (filters.site !== undefined) where.push(siteCooldownCondition(filters.site));
  return where;
}

export const sqlAnd = (conditions: Prisma.Sql[]) =>
  conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;
const dir = (order: SortOrder) => Prisma.raw(order === 'asc' ? 'ASC' : 'DESC');

/** One keyset range of a page, written against the sort column's expression. */
type Segment = (col: Prisma.Sql) => { where: Prisma.Sql[]; order: Prisma.Sql };

/**
 * One page of proxies by keyset pagination: NULL sort values come last in either direction, ties are broken
 * by id. The position after a cursor is split into exact index ranges ("same value, later id" and "later
 * value"), so a deep page costs the same as the first. NULL rows are read only when the non-NULL rows run out.
 */
export async function queryProxyPage(db: Database, query: ProxyPageQuery): Promise<ProxyListRow[]> {
  const spec = SORTS[query.sort];
  const idOrder: SortOrder = spec.idFollowsOrder ? query.order : query.order === 'asc' ? 'desc' : 'asc';
  const idAfter = (id: string) => (idOrder === 'asc' ? Prisma.sql`id > ${id}::uuid` : Prisma.sql`id < ${id}::uuid`);
  const cast = query.sort === 'last_checked' ? Prisma.raw('timestamptz') : Prisma.raw('real');
  const valueOrder = (col: Prisma.Sql) => Prisma.sql`${col} ${dir(query.order)}, id ${dir(idOrder)}`;
  const idOnlyOrder = Prisma.sql`id ${dir(idOrder)}`;
  const after = query.after;
  const rows: ProxyListRow[] = [];

  if (after?.value !== null) {
    const segments: Segment[] = [];
    if (after) {
      const value = Prisma.sql`${after.value}::${cast}`;
      segments.push((col) => ({ where: [Prisma.sql`${col} = ${value}`, idAfter(after.id)], order: idOnlyOrder }));
      segments.push((col) => ({
        where: [query.order === 'asc' ? Prisma.sql`${col} > ${value}` : Prisma.sql`${col} < ${value}`],
        order: valueOrder(col),
      }));
    } else {
      segments.push((col) => ({
        where: spec.nullable ? [Prisma.sql`${col} IS NOT NULL`] : [],
        order: valueOrder(col),
      }));
    }
    const merge = Prisma.sql`sort_value ${dir(query.order)}, id ${dir(idOrder)}`;
    rows.push(...(await runSegments(db, query, segments, merge, query.limit)));
  }
  if (rows.length < query.limit && spec.nullable && !filtersExcludeNull(query)) {
    const nullSegment: Segment = (col) => ({
      where: [Prisma.sql`${col} IS NULL`, ...(after?.value === null ? [idAfter(after.id)] : [])],
      order: idOnlyOrder,
    });
    rows.push(...(await runSegments(db, query, [nullSegment], idOnlyOrder, query.limit - rows.length)));
  }
  return rows;
}

function filtersExcludeNull(query: ProxyPageQuery): boolean {
  if (query.sort === 'latency') return query.filters.maxLatencyMs !== undefined;
  if (query.sort === 'last_checked') return query.filters.verifiedWithinMinutes !== undefined;
  return false;
}

/**
 * Runs the segments once per status to walk (see {@link statusesToWalk}) and merges them. In the unchecked
 * walk the sort column is the blank value every unchecked proxy has, so its conditions fold to true or false
 * when planned and the walk is "unchecked proxies in id order" on the (status, score, id) index (score = 0
 * is implied by the constraint and named so the index applies).
 */
async function runSegments(
  db: Database,
  query: ProxyPageQuery,
  segments: Segment[],
  /** Order of the merged segments, on output columns (`sort_value` is the sort column). */
  mergeOrder: Prisma.Sql,
  limit: number,
): Promise<ProxyListRow[]> {
  const spec = SORTS[query.sort];
  const base = proxyFilterConditions(query.filters);
  const parts = statusesToWalk(query.filters).flatMap((status) => {
    const unchecked = status === 'unchecked';
    const col = unchecked ? spec.blank : spec.column;
    const walk = [
      ...(query.filters.status ? [] : [Prisma.sql`status = ${status}::"ProxyStatus"`]),
      ...(unchecked ? [Prisma.sql`score = 0::real`] : []),
    ];
    return segments.map((segment) => {
      const { where, order } = segment(col);
      return Prisma.sql`SELECT ${PROXY_LIST_COLUMNS}, ${col}::text AS sort_key, ${col} AS sort_value
        FROM proxies WHERE ${sqlAnd([...base, ...walk, ...where])} ORDER BY ${order} LIMIT ${limit}`;
    });
  });
  const [single] = parts;
  const sql =
    parts.length === 1 && single
      ? single
      : Prisma.sql`SELECT * FROM (${Prisma.join(
          parts.map((part) => Prisma.sql`(${part})`),
          ' UNION ALL ',
        )}) AS page
          ORDER BY ${mergeOrder} LIMIT ${limit}`;
  return sqlRows<ProxyListRow>(db.pool, sql);
}

/** Exact number of proxies matching the filters. */
export async function countProxies(db: Database, filters: ProxyFilters): Promise<number> {
  const where = proxyFilterConditions(filters);
  // A recency window is usually a small slice of the pool, but its index starts with status: naming the
  // statuses it can match lets the planner read just that slice instead of scanning the table.
  if (filters.verifiedWithinMinutes !== undefined && !filters.status) {
    where.push(Prisma.sql`status = ANY(${statusesToWalk(filters)}::"ProxyStatus"[])`);
  }
  const [row] = await sqlRows<{ n: number }>(
    db.pool,
    Prisma.sql`SELECT count(*)::int AS n FROM proxies WHERE ${sqlAnd(where)}`,
  );
  return row?.n ?? 0;
}
