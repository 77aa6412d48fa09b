import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { requireAdmin } from '../http/auth.js';
import { parseInput } from '../http/validate.js';
import { adjustCredits } from '../services/credits.service.js';

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
    res.status(201).json(await adjustCredits(ctx.db, userId, body.amount, body.description));
  });
  return router;
}
