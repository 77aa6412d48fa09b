import { collectProcessMetrics, METRIC_PREFIX, observeQueueDepth } from '@proxy-pool/worker-runtime';
import { Router } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiContext } from '../context.js';
import { cachedJson } from '../services/cache.service.js';
import { notifierStatus } from '../services/plugins.service.js';

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  leasesAcquired: Counter;
  leasesReleased: Counter;
  creditsCharged: Counter;
  creditsGranted: Counter;
}

/** One registry per API context (tests build several in one process). */
export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectProcessMetrics(registry);
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    leasesAcquired: new Counter({ name: `${METRIC_PREFIX}leases_acquired_total`, help: 'Leases granted', registers }),
    leasesReleased: new Counter({
      name: `${METRIC_PREFIX}leases_released_total`,
      help: 'Leases released early by their owner',
      registers,
    }),
    creditsCharged: new Counter({
      name: `${METRIC_PREFIX}credits_charged_total`,
      help: 'Credits consumed by acquires',
      registers,
    }),
    creditsGranted: new Counter({
      name: `${METRIC_PREFIX}credits_granted_total`,
      help: 'Credits added by signup grants and admins',
      registers,
    }),
  };
}

/**
 * Counts over whole tables are shared by every API replica for this long: Prometheus scrapes each replica every
 * few seconds, and a count over millions of proxies per scrape and replica would load the database for nothing.
 */
export const SHARED_COUNTS_CACHE_SECONDS = 15;

interface SharedCounts {
  proxies: Record<string, number>;
  sources: { active: number; failing: number; inactive: number; max_consecutive_failures: number };
}

async function readSharedCounts(ctx: ApiContext): Promise<SharedCounts> {
  const [proxyRows, sourceRows] = await Promise.all([
    ctx.db.$queryRaw<
      Array<{ status: string; count: bigint }>
    >`SELECT status::text AS status, count(*) AS count FROM proxies GROUP BY status`,
    ctx.db.$queryRaw<Array<{ active: bigint; failing: bigint; inactive: bigint; max_failures: number | null }>>`
      SELECT count(*) FILTER (WHERE is_active) AS active,
             count(*) FILTER (WHERE is_active AND consecutive_failures > 0) AS failing,
             count(*) FILTER (WHERE NOT is_active) AS inactive,
             max(consecutive_failures) FILTER (WHERE is_active) AS max_failures
      FROM sources`,
  ]);
  const sources = sourceRows[0];
  return {
    proxies: Object.fromEntries(proxyRows.map((row) => [row.status, Number(row.count)])),
    sources: {
      active: Number(sources?.active ?? 0),
      failing: Number(sources?.failing ?? 0),
      inactive: Number(sources?.inactive ?? 0),
      max_consecutive_failures: sources?.max_failures ?? 0,
    },
  };
}

/** Gauges read from the shared state when /metrics is scraped: queue depth and age, pool size, sources, notifiers. */
export function observeSharedState(ctx: ApiContext): void {
  const registers = [ctx.metrics.registry];
  observeQueueDepth(ctx.metrics.registry, Object.values(ctx.queues));
  const counts = () =>
    cachedJson(ctx, 'metrics-counts', { ttlSeconds: SHARED_COUNTS_CACHE_SECONDS }, () => readSharedCounts(ctx));
  new Gauge({
    name: `${METRIC_PREFIX}pool_proxies`,
    help: `Proxies in the pool, by status (counted at most every ${SHARED_COUNTS_CACHE_SECONDS} s across replicas)`,
    labelNames: ['status'],
    registers,
    async collect() {
      const shared = await counts().catch(() => null);
      this.reset();
      if (shared)
        for (const status of ['active', 'dead', 'unchecked']) this.set({ status }, shared.proxies[status] ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}sources`,
    help: 'Sources by state: active (of which failing: the last scrape failed) and inactive',
    labelNames: ['state'],
    registers,
    async collect() {
      const shared = await counts().catch(() => null);
      this.reset();
      if (shared)
        for (const state of ['active', 'failing', 'inactive'] as const) this.set({ state }, shared.sources[state]);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}source_consecutive_failures_max`,
    help: 'The longest run of failed scrapes among active sources',
    registers,
    async collect() {
      const shared = await counts().catch(() => null);
      this.reset();
      if (shared) this.set(shared.sources.max_consecutive_failures);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}notifier_healthy`,
    help: 'Configured notifiers: 1 healthy, 0 after NOTIFIER_UNHEALTHY_AFTER failed deliveries in a row',
    labelNames: ['notifier'],
    registers,
    async collect() {
      const statuses = await notifierStatus(ctx).catch(() => null);
      this.reset();
      for (const status of statuses ?? []) this.set({ notifier: status.name }, status.healthy ? 1 : 0);
    },
  });
}

export function metricsRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  return router;
}
