import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { pageQueryShape } from '../http/pagination.js';
import { createRateLimits } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import { displayNameSchema, emailSchema, registerUser } from '../services/accounts.service.js';
import { createKey, listKeys, revokeKey } from '../services/keys.service.js';

export const registerBody = z.object({ email: emailSchema, display_name: displayNameSchema });
export const createKeyBody = z.object({ label: displayNameSchema.optional() });
export const pageQuery = z.object(pageQueryShape);

/** /auth/keys: the caller's own API keys. */
export function authRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/auth/keys', async (req, res) => {
    const body = parseInput(createKeyBody, req.body, 'body');
    res.status(201).json(await createKey(ctx.db, req.auth!.userId, body.label ?? 'default'));
  });
  router.get('/auth/keys', async (req, res) => {
    res.json(await listKeys(ctx.db, req.auth!.userId, parseInput(pageQuery, req.query, 'query')));
  });
  // 200 with the revoked key (its revoked_at set), rather than 204, so the caller sees what it revoked.
  router.delete('/auth/keys/:key_id', async (req, res) => {
    res.json(await revokeKey(ctx, req.auth!.userId, req.params.key_id));
  });
  return router;
}

/** POST /auth/register: the one Accounts route without authentication. */
export function registerRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/auth/register', createRateLimits(ctx).register, async (req, res) => {
    const body = parseInput(registerBody, req.body, 'body');
    res
      .status(201)
      .json(
        await registerUser(ctx.db, ctx.config.SIGNUP_CREDITS, { email: body.email, displayName: body.display_name }),
      );
  });
  return router;
}
