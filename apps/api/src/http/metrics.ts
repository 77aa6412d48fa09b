import { observeQueueDepth } from '@proxy-pool/worker-runtime';
import { Router } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiContext } from '../context.js';

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
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    leasesAcquired: new Counter({ name: 'leases_acquired_total', help: 'Leases granted', registers }),
    leasesReleased: new Counter({ name: 'leases_released_total', help: 'Leases released early by their owner', registers }),
    creditsCharged: new Counter({ name: 'credits_charged_total', help: 'Credits consumed by acquires', registers }),
    creditsGranted: new Counter({ name: 'credits_granted_total', help: 'Credits added by signup grants and admins', registers }),
  };
}

/** Gauges read from the shared state when /metrics is scraped: queue depth and pool size by status. */
export function observeSharedState(ctx: ApiContext): void {
  observeQueueDepth(ctx.metrics.registry, Object.values(ctx.queues));
  new Gauge({
    name: 'pool_proxies',
    help: 'Proxies in the pool, by status',
    labelNames: ['status'],
    registers: [ctx.metrics.registry],
    async collect() {
      const rows = await ctx.db.$queryRaw<Array<{ status: string; count: bigint }>>`
        SELECT status::text AS status, count(*) AS count FROM proxies GROUP BY status`.catch(() => []);
      this.reset();
      for (const status of ['active', 'dead', 'unchecked']) this.set({ status }, Number(rows.find((r) => r.status === status)?.count ?? 0));
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
