import { querySiteRankedPage, type ProxyFilters, type SiteFilter, type SiteRankedRow } from '@proxy-pool/db';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { AppError } from '../errors.js';
import { decodeCursor, toPage, type Page } from '../http/pagination.js';
import type { ProxyItem } from '../openapi/schemas.js';

const REAL_TEXT = /^(-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|-?Infinity)$/;

/** A site-ranked cursor names its site, so a page of one target never continues another's. */
const siteCursorSchema = z.object({
  t: z.string().max(2048),
  r: z.string().regex(REAL_TEXT),
  sc: z.string().regex(REAL_TEXT),
  id: z.string().uuid(),
});

/**
 * GET /proxies with `target=` and the default sort: best site rate first (see querySiteRankedPage), then
 * score. Only best-first is offered; `order=asc` is refused.
 */
export async function listSiteRanked(
  ctx: ApiContext,
  query: { limit: number; cursor?: string; order: 'asc' | 'desc' },
  filters: ProxyFilters & { site: SiteFilter },
  count: () => Promise<number>,
  render: (row: SiteRankedRow) => ProxyItem,
): Promise<Page<ProxyItem>> {
  if (query.order !== 'desc') {
    throw new AppError('VALIDATION_ERROR', 'Invalid query parameters: order.', {
      fields: [{ field: 'order', message: 'with target= and sort=score, pages are best first only (order=desc)' }],
    });
  }
  const decoded = decodeCursor(query.cursor, siteCursorSchema);
  if (decoded && decoded.t !== filters.site.host) {
    throw new AppError('INVALID_CURSOR', `The cursor belongs to another target (${decoded.t}).`, {
      cursor_target: decoded.t,
    });
  }
  const after = decoded ? { rate: decoded.r, score: decoded.sc, id: decoded.id } : undefined;
  const [rows, total] = await Promise.all([
    querySiteRankedPage(ctx.db, { filters, limit: query.limit + 1, after }),
    count(),
  ]);
  return toPage(
    rows,
    query.limit,
    total,
    (row) => ({ ...render(row), site_rate: row.site_rate }),
    (row) => ({ t: filters.site.host, r: row.rate_key, sc: row.score_key, id: row.id }),
  );
}
