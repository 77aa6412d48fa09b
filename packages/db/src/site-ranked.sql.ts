import { Prisma } from '../generated/client/index.js';
import { sqlRows, type Database } from './client.js';
import {
  PROXY_LIST_COLUMNS,
  proxyFilterConditions,
  sqlAnd,
  statusesToWalk,
  type ProxyFilters,
  type ProxyListRow,
} from './proxies.sql.js';
import { SITE_RATE_SQL, type SiteFilter } from './site-stats.sql.js';

/** Where a site-ranked page ends: site rate and score as exact PostgreSQL `real` text, and the row id. */
export interface SiteRankPosition {
  rate: string;
  score: string;
  id: string;
}

export interface SiteRankedRow extends ProxyListRow {
  site_rate: number;
  /** site_rate and score as exact PostgreSQL text, for the next cursor. */
  rate_key: string;
  score_key: string;
}

/**
 * One page of proxies for `target=` with the default sort: the best site rate first, then the best score, then
 * id. Two kinds of proxies are read apart and merged: those seen on the site (their rates from their figures, read
 * by target_host, each proxy by its primary key) and those never seen there (rate 0.5, walked in score order on the
 * (status, score, id) index, one walk per status as queryProxyPage does). No rate is computed for the whole pool.
 * Proxies cooling down on the site are left out by the filters (`filters.site`).
 */
export async function querySiteRankedPage(
  db: Database,
  query: { filters: ProxyFilters & { site: SiteFilter }; limit: number; after?: SiteRankPosition },
): Promise<SiteRankedRow[]> {
  const { after, limit, filters } = query;
  const seenOnSite = Prisma.sql`(SELECT s.proxy_id FROM proxy_site_stats s WHERE s.target_host = ${filters.site.host})`;
  const keyset = (rate: Prisma.Sql, row = Prisma.empty) =>
    after
      ? Prisma.sql`(${rate} < ${after.rate}::real OR (${rate} = ${after.rate}::real AND (${row}score < ${after.score}::real
          OR (${row}score = ${after.score}::real AND ${row}id > ${after.id}::uuid))))`
      : Prisma.sql`TRUE`;
  const base = proxyFilterConditions(filters);
  // Driven from the site's figures in rate order, one primary-key lookup per proxy: with the input sorted by
  // rate, PostgreSQL sorts the ties by score incrementally and stops at the page's end instead of looking up
  // every proxy seen on the site. The LIMIT 1 keeps the lookup a lookup (not a join hashing the whole pool).
  const seen = Prisma.sql`SELECT p.*, s.site_rate FROM (
      SELECT s.proxy_id, ${SITE_RATE_SQL} AS site_rate FROM proxy_site_stats s
      WHERE s.target_host = ${filters.site.host}${after ? Prisma.sql` AND ${SITE_RATE_SQL} <= ${after.rate}::real` : Prisma.empty}
      ORDER BY site_rate DESC) s
    CROSS JOIN LATERAL (
      SELECT ${PROXY_LIST_COLUMNS} FROM proxies WHERE ${sqlAnd([Prisma.sql`proxies.id = s.proxy_id`, ...base])} LIMIT 1) p
    WHERE ${keyset(Prisma.sql`s.site_rate`, Prisma.raw('p.'))} ORDER BY s.site_rate DESC, p.score DESC, p.id LIMIT ${limit}`;
  const unseen = statusesToWalk(filters).map(
    (status) => Prisma.sql`SELECT ${PROXY_LIST_COLUMNS}, 0.5::real AS site_rate FROM proxies
      WHERE ${sqlAnd([
        ...base,
        Prisma.sql`status = ${status}::"ProxyStatus"`,
        Prisma.sql`id NOT IN ${seenOnSite}`,
        keyset(Prisma.sql`0.5::real`),
      ])}
      ORDER BY score DESC, id LIMIT ${limit}`,
  );
  const parts = [seen, ...unseen].map((part) => Prisma.sql`(${part})`);
  return sqlRows<SiteRankedRow>(
    db.pool,
    Prisma.sql`SELECT *, site_rate::text AS rate_key, score::text AS score_key, NULL::text AS sort_key
      FROM (${Prisma.join(parts, ' UNION ALL ')}) page
      ORDER BY site_rate DESC, score DESC, id LIMIT ${limit}`,
  );
}
