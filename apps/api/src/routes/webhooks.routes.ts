import { Router } from 'express';
import { subscriptionsSchema } from '@proxy-pool/notifiers';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { pageQueryShape } from '../http/pagination.js';
import { parseInput } from '../http/validate.js';
import { createWebhook, deleteWebhook, listWebhooks } from '../services/webhooks.service.js';

export const createBody = z.strictObject({
  url: z
    .string()
    .max(2048)
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  subscribes_to: subscriptionsSchema,
});
export const pageQuery = z.object(pageQueryShape);

/** /account/webhooks: the caller's webhooks for their own user-scoped events (credits.*, lease.expired, lease.refunded). */
export function webhooksRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/account/webhooks', async (req, res) => {
    res.status(201).json(await createWebhook(ctx, req.auth!.userId, parseInput(createBody, req.body, 'body')));
  });
  router.get('/account/webhooks', async (req, res) => {
    res.json(await listWebhooks(ctx.db, req.auth!.userId, parseInput(pageQuery, req.query, 'query')));
  });
  router.delete('/account/webhooks/:webhook_id', async (req, res) => {
    await deleteWebhook(ctx.db, req.auth!.userId, req.params.webhook_id);
    res.status(204).end();
  });
  return router;
}
