import { createHash } from 'node:crypto';
import { countProxies, IpType, PROXY_SORTS, ProxyStatus, queryProxyPage, SORT_ORDERS } from '@proxy-pool/db';
import type { ProxyFilters, ProxyListRow, ProxyPosition, ProxySort, SortOrder } from '@proxy-pool/db';
import { ANONYMITY_LEVELS, PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { AppError } from '../errors.js';
import { decodeCursor, pageQueryShape, toPage, type Page } from '../http/pagination.js';
import { targetSiteSchema } from '../http/target-site.js';
import { asNumber, booleanQueryParam, countryCode, realNumber } from '../http/validate.js';
import type { ProxyItem } from '../openapi/schemas.js';
import { cachedJson } from './cache.service.js';
import { assertKnownSiteCheck, siteCheckNameSchema } from './site-checks.service.js';
import { listSiteRanked } from './site-ranked.service.js';

/** A plain decimal (no exponent, no hex, no blanks): query values are strings and `Number('')` is 0. */
const decimal = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(realNumber(min, max));

export const proxyFilterShape = {
  status: z.enum(ProxyStatus).optional(),
  protocol: z.enum(PROXY_PROTOCOLS).optional(),
  anonymity: z.enum(ANONYMITY_LEVELS).optional(),
  country: countryCode.optional(),
  asn: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(asNumber)
    .optional(),
  ip_type: z.enum(IpType).optional(),
  /** `true`: only proxies seen intercepting TLS; `false`: only the others. */
  mitm: booleanQueryParam().optional(),
  min_score: decimal(0, 1).optional(),
  max_latency_ms: decimal(0, 1e9).optional(),
  min_uptime_pct: decimal(0, 100).optional(),
  verified_within_minutes: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(5_256_000))
    .optional(),
  /** A site check's name: only proxies whose latest result on it passed within its window. */
  works_for: siteCheckNameSchema.optional(),
};

export const proxySortShape = {
  sort: z.enum(PROXY_SORTS).default('score'),
  order: z.enum(SORT_ORDERS).optional(),
};

export const proxyListQuerySchema = z.object({
  ...proxyFilterShape,
  /** A URL or host: proxies cooling down on its site are left out; with sort=score, the best site rate first. */
  target: targetSiteSchema.optional(),
  ...proxySortShape,
  ...pageQueryShape,
});
export type ProxyListQuery = z.infer<typeof proxyListQuerySchema>;

/** Default direction per sort field: best first (highest score and uptime, lowest latency, freshest check). */
export const DEFAULT_ORDER: Record<ProxySort, SortOrder> = {
  score: 'desc',
  latency: 'asc',
  uptime: 'desc',
  last_checked: 'desc',
};

export function toProxyFilters(query: z.infer<z.ZodObject<typeof proxyFilterShape>>): ProxyFilters {
  return {
    status: query.status,
    protocol: query.protocol,
    anonymity: query.anonymity,
    country: query.country,
    asn: query.asn,
    ipType: query.ip_type,
    mitm: query.mitm,
    minScore: query.min_score,
    maxLatencyMs: query.max_latency_ms,
    minUptimePct: query.min_uptime_pct,
    verifiedWithinMinutes: query.verified_within_minutes,
    worksFor: query.works_for,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function renderProxy(row: ProxyListRow): ProxyItem {
  return {
    id: row.id,
    ip: row.ip,
    port: row.port,
    protocol: row.protocol,
    status: row.status,
    anonymity: row.anonymity,
    exit_ip: row.exit_ip,
    country: row.country,
    asn: row.asn,
    as_org: row.as_org,
    ip_type: row.ip_type,
    mitm: row.mitm,
    score: row.score,
    avg_latency_ms: row.avg_latency_ms,
    uptime_pct: row.uptime_pct,
    last_checked_at: row.last_checked_at?.toISOString() ?? null,
    first_seen_at: row.first_seen_at.toISOString(),
    tags: isRecord(row.tags) ? row.tags : {},
  };
}

const REAL_TEXT = /^(-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|-?Infinity)$/;
const TIMESTAMPTZ_TEXT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d){0,2}$/;
const cursorSchema = z.object({
  s: z.enum(PROXY_SORTS),
  o: z.enum(SORT_ORDERS),
  v: z.string().max(64).nullable(),
  id: z.string().uuid(),
});

/** A cursor carries the sort and order it was made for; reused with another sort or order it is refused. */
export function positionFromCursor(
  cursor: string | undefined,
  sort: ProxySort,
  order: SortOrder,
): ProxyPosition | undefined {
  const decoded = decodeCursor(cursor, cursorSchema);
  if (!decoded) return undefined;
  const valueOk = decoded.v === null || (sort === 'last_checked' ? TIMESTAMPTZ_TEXT : REAL_TEXT).test(decoded.v);
  if (decoded.s !== sort || decoded.o !== order || !valueOk) {
    throw new AppError(
      'INVALID_CURSOR',
      `The cursor belongs to another query (sort=${decoded.s}, order=${decoded.o}).`,
      {
        cursor_sort: decoded.s,
        cursor_order: decoded.o,
      },
    );
  }
  return { value: decoded.v, id: decoded.id };
}

/** What a next-page cursor carries: the sort and order it was made for, and the last row's sort key and id. */
function positionAfter(row: ProxyListRow, sort: ProxySort, order: SortOrder): z.input<typeof cursorSchema> {
  return { s: sort, o: order, v: row.sort_key, id: row.id };
}

/**
 * total_count: exact below 1,000 matches. Larger counts cost a scan of their rows (hundreds of ms at a million
 * proxies), so they are shared per filter set for PROXY_COUNT_CACHE_SECONDS and refreshed in the background
 * (a stale value is served meanwhile, for at most as long again).
 */
export async function countMatching(ctx: ApiContext, filters: ProxyFilters): Promise<number> {
  const digest = createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 32);
  const ttlSeconds = ctx.config.PROXY_COUNT_CACHE_SECONDS;
  return cachedJson(
    ctx,
    `proxies-count:${digest}`,
    { ttlSeconds, staleSeconds: ttlSeconds, worthCaching: (n) => n >= 1000 },
    () => countProxies(ctx.db, filters),
  );
}

/**
 * The answer to GET /proxies as UTF-8 JSON, ready to send. Pages are the API's most read answer and the pool
 * changes at the checkers' pace (minutes per proxy), so each distinct query is read from PostgreSQL at most
 * once per PROXY_PAGE_CACHE_MS (default 1 s) per API process; callers within that window share the bytes.
 * The key is the raw query string, so a repeated query is answered before it is even parsed (validation is
 * part of computing an answer; a refused query is never kept).
 */
export function proxyPageJson(ctx: ApiContext, rawQuery: string, parse: () => ProxyListQuery): Promise<Buffer> {
  return ctx.proxyPages.get(rawQuery, async () => Buffer.from(JSON.stringify(await listProxies(ctx, parse()))));
}

export async function listProxies(ctx: ApiContext, query: ProxyListQuery): Promise<Page<ProxyItem>> {
  if (query.works_for !== undefined) await assertKnownSiteCheck(ctx, query.works_for);
  const order = query.order ?? DEFAULT_ORDER[query.sort];
  const site = query.target ? { host: query.target, cooldownMinutes: ctx.config.SITE_COOLDOWN_MINUTES } : undefined;
  const filters = { ...toProxyFilters(query), site };
  if (site && query.sort === 'score') {
    return listSiteRanked(
      ctx,
      { ...query, order },
      { ...filters, site },
      () => countMatching(ctx, filters),
      renderProxy,
    );
  }
  const after = positionFromCursor(query.cursor, query.sort, order);
  const [rows, total] = await Promise.all([
    queryProxyPage(ctx.db, { filters, sort: query.sort, order, limit: query.limit + 1, after }),
    countMatching(ctx, filters),
  ]);
  return toPage(rows, query.limit, total, renderProxy, (row) => positionAfter(row, query.sort, order));
}
