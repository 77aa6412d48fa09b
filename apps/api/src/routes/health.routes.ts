import { Router } from 'express';
import { pingDatabase } from '@proxy-pool/db';
import { pingRedis } from '@proxy-pool/queues';
import type { ApiContext } from '../context.js';

/** Contexts whose process is shutting down: their /ready fails at once so load balancers stop sending traffic. */
const draining = new WeakSet<ApiContext>();

/**
 * Call on SIGTERM, before the listener stops: /ready answers 503 from now on (the pod leaves the Service's
 * endpoints while in-flight requests finish), /live and /health keep answering.
 */
export function markDraining(ctx: ApiContext): void {
  draining.add(ctx);
}

async function dependencies(ctx: ApiContext) {
  const [postgres, redis] = await Promise.all([pingDatabase(ctx.db), pingRedis(ctx.redis)]);
  return {
    ok: postgres && redis,
    postgres: postgres ? 'connected' : 'disconnected',
    redis: redis ? 'connected' : 'disconnected',
  } as const;
}

/**
 * GET /health: 200 when PostgreSQL and Redis answer, 503 naming the failing part otherwise. Never slower than ~1.5 s.
 * GET /ready: the same check for a readiness probe, failing at once (no I/O) once the process drains.
 * GET /live: the process answers (no dependency checked: restarting it would not bring a database back).
 */
export function healthRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const state = await dependencies(ctx);
    res.status(state.ok ? 200 : 503).json({
      status: state.ok ? 'healthy' : 'degraded',
      postgres: state.postgres,
      redis: state.redis,
      version: ctx.version,
    });
  });
  router.get('/ready', async (_req, res) => {
    if (draining.has(ctx)) return void res.status(503).json({ status: 'draining' });
    const state = await dependencies(ctx);
    res
      .status(state.ok ? 200 : 503)
      .json({ status: state.ok ? 'ready' : 'not_ready', postgres: state.postgres, redis: state.redis });
  });
  router.get('/live', (_req, res) => {
    res.json({ status: 'live' });
  });
  return router;
}
