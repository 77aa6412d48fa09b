import { Prisma } from '../generated/client/index.js';
import { sqlRows, type Database } from './client.js';
import {
  PROXY_LIST_COLUMNS,
  proxyFilterConditions,
  sqlAnd,
  type ProxyFilters,
  type ProxyListRow,
} from './proxies.sql.js';
import { siteRateOf, type SiteFilter } from './site-stats.sql.js';

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
 * id. The site rate is computed per row (0.5 for proxies never seen on the site), so the page is a sort of every
 * matching proxy, not an index walk: it costs more than the other sorts on a very large pool. Proxies cooling
 * down on the site are left out by the filters (`filters.site`).
 */
export async function querySiteRankedPage(
  db: Database,
  query: { filters: ProxyFilters & { site: SiteFilter }; limit: number; after?: SiteRankPosition },
): Promise<SiteRankedRow[]> {
  const { after } = query;
  const keyset = after
    ? Prisma.sql`(site_rate < ${after.rate}::real OR (site_rate = ${after.rate}::real AND (score < ${after.score}::real
        OR (score = ${after.score}::real AND id > ${after.id}::uuid))))`
    : Prisma.sql`TRUE`;
  return sqlRows<SiteRankedRow>(
    db.pool,
    Prisma.sql`SELECT *, site_rate::text AS rate_key, score::text AS score_key, NULL::text AS sort_key FROM (
        SELECT ${PROXY_LIST_COLUMNS}, ${siteRateOf(Prisma.sql`proxies.id`, query.filters.site.host)} AS site_rate
        FROM proxies WHERE ${sqlAnd(proxyFilterConditions(query.filters))}) ranked
      WHERE ${keyset}
      ORDER BY site_rate DESC, score DESC, id ASC LIMIT ${query.limit}`,
  );
}
