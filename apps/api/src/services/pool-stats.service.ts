import { readPoolStats } from '@proxy-pool/db';
import type { ApiContext } from '../context.js';
import type { PoolStats } from '../openapi/responses/pool.responses.js';
import { cachedJson } from './cache.service.js';

const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));

/**
 * GET /stats/pool: the database row with `total` renamed and times as ISO strings. One pass over the pool,
 * shared by all replicas for POOL_STATS_CACHE_SECONDS.
 */
export async function getPoolStats(ctx: ApiContext): Promise<PoolStats> {
  return cachedJson(ctx, 'stats-pool', { ttlSeconds: ctx.config.POOL_STATS_CACHE_SECONDS }, async () => {
    const row = await readPoolStats(ctx.db);
    return {
      total_proxies: row.total,
      by_status: row.by_status,
      by_protocol: row.by_protocol,
      by_anonymity: row.by_anonymity,
      avg_score: round(row.avg_score, 4),
      avg_latency_ms: round(row.avg_latency_ms, 1),
      sources_active: row.sources_active,
      sources_total: row.sources_total,
      last_scrape_at: row.last_scrape_at?.toISOString() ?? null,
      last_validation_at: row.last_validation_at?.toISOString() ?? null,
    };
  });
}
