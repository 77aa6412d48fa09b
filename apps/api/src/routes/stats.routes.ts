import { Router } from 'express';
import type { ApiContext } from '../context.js';
import { getPluginStatus } from '../services/plugins.service.js';
import { getPoolStats } from '../services/pool-stats.service.js';

export function statsRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/stats/pool', async (_req, res) => {
    res.json(await getPoolStats(ctx));
  });
  router.get('/stats/plugins', async (_req, res) => {
    res.json(await getPluginStatus(ctx));
  });
  return router;
}
