import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { pageQueryShape } from '../http/pagination.js';
import { parseInput } from '../http/validate.js';
import { getAccount, listAccountLeases } from '../services/accounts.service.js';
import { getCredits } from '../services/credits.service.js';

export const pageQuery = z.object(pageQueryShape);

/** /account: the caller's profile, credits and live leases. */
export function accountRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/account', async (req, res) => {
    res.json(await getAccount(ctx.db, req.auth!.userId));
  });
  router.get('/account/credits', async (req, res) => {
    res.json(await getCredits(ctx.db, req.auth!.userId, parseInput(pageQuery, req.query, 'query')));
  });
  router.get('/account/leases', async (req, res) => {
    res.json(await listAccountLeases(ctx.db, req.auth!.userId, parseInput(pageQuery, req.query, 'query')));
  });
  return router;
}
