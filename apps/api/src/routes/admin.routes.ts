import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { requireAdmin } from '../http/auth.js';
import { parseInput } from '../http/validate.js';
import { adjustCredits } from '../services/credits.service.js';
import { raiseCreditEvents } from '../services/events.service.js';

const MAX_ADJUSTMENT = 1_000_000_000;

export const userParams = z.object({ user_id: z.string() });

export const creditsBody = z.object({
  amount: z
    .number()
    .int()
    .min(-MAX_ADJUSTMENT)
    .max(MAX_ADJUSTMENT)
    .refine((value) => value !== 0, 'must not be zero'),
  description: z.string().trim().min(1, 'must not be empty').max(500),
});

/** /admin/…: admin-only routes. requireAdmin is per route: this router sits on the app's root. */
export function adminRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/admin/users/:user_id/credits', requireAdmin, async (req, res) => {
    const { user_id: userId } = parseInput(userParams, req.params, 'path');
    const body = parseInput(creditsBody, req.body, 'body');
    const result = await adjustCredits(ctx.db, userId, body.amount, body.description);
    if (body.amount > 0) ctx.metrics.creditsGranted.inc(body.amount);
    raiseCreditEvents(ctx, userId, result.balance - body.amount, result.balance);
    res.status(201).json(result);
  });
  return router;
}
