import { Router } from 'express';
import { pingDatabase } from '@proxy-pool/db';
import { pingRedis } from '@proxy-pool/queues';
import type { ApiContext } from '../context.js';

/** GET /health: 200 when PostgreSQL and Redis answer, 503 naming the failing part otherwise. Never slower than ~1.5 s. */
export function healthRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [postgres, redis] = await Promise.all([pingDatabase(ctx.db), pingRedis(ctx.redis)]);
    const healthy = postgres && redis;
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'healthy' : 'degraded',
      postgres: postgres ? 'connected' : 'disconnected',
      redis: redis ? 'connected' : 'disconnected',
      version: ctx.version,
    });
  });
  return router;
}
