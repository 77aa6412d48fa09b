import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import {
  addAllowEntry,
  getGatewayUsage,
  listAllowlist,
  removeAllowEntry,
} from '../services/gateway-account.service.js';

export const createAllowEntryBody = z.strictObject({
  cidr: z
    .string()
    .min(1)
    .max(64)
    .meta({ description: 'A client IPv4/IPv6 address or CIDR block.', example: '203.0.113.0/24' }),
  params: z.string().max(200).default('').meta({
    description: 'Default gateway parameters for these clients, as after the username handle.',
    example: 'country-DE-session-abc',
  }),
  api_key_id: z
    .uuid()
    .optional()
    .meta({ description: "The key (one of the caller's live keys) these clients act as; the calling key by default." }),
});

/** /account/usage and /account/gateway/allowlist: the caller's gateway traffic and credential-less clients. */
export function gatewayAccountRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/account/usage', async (req, res) => {
    res.json(await getGatewayUsage(ctx.db, req.auth!.userId));
  });
  router.get('/account/gateway/allowlist', async (req, res) => {
    res.json(await listAllowlist(ctx.db, req.auth!.userId));
  });
  router.post('/account/gateway/allowlist', async (req, res) => {
    const input = parseInput(createAllowEntryBody, req.body, 'body');
    res
      .status(201)
      .json(await addAllowEntry(ctx.db, { userId: req.auth!.userId, apiKeyId: req.auth!.apiKeyId }, input));
  });
  router.delete('/account/gateway/allowlist/:entry_id', async (req, res) => {
    await removeAllowEntry(ctx.db, req.auth!.userId, req.params.entry_id);
    res.status(204).end();
  });
  return router;
}
