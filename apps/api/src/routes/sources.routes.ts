import { Router, type Request } from 'express';
import { z } from 'zod';
import { PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import type { ApiContext } from '../context.js';
import { requireAdmin } from '../http/auth.js';
import { pageQueryShape } from '../http/pagination.js';
import { booleanQueryParam, parseInput } from '../http/validate.js';
import { scrapeSourceNow } from '../services/source-scrape.service.js';
import {
  createSource,
  deleteSource,
  findSource,
  listSources,
  renderSource,
  updateSource,
  type SourceReader,
} from '../services/sources.service.js';

const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http or https URL');

const sourceFields = {
  url: httpUrl,
  parser_name: z.string().min(1).max(64),
  cron_schedule: z.string().min(1).max(200),
  default_protocol: z.enum(PROXY_PROTOCOLS),
  is_active: z.boolean(),
};

export const createBody = z
  .object({
    ...sourceFields,
    parser_name: sourceFields.parser_name.optional(),
    // Omitted: the protocol the URL path names (`/socks5.txt`), else http (see protocolFromUrlPath).
    default_protocol: sourceFields.default_protocol.optional(),
    is_active: sourceFields.is_active.default(true),
  })
  .strict();
export const patchBody = z.object(sourceFields).partial().strict();
export const listQuery = z.object({
  ...pageQueryShape,
  is_active: booleanQueryParam().optional(),
});

/** Express loses the path's parameter types once a middleware precedes the handler. */
const sourceId = (req: Request): string => String(req.params.source_id);
/** Every /sources route runs after authentication. */
const reader = (req: Request): SourceReader => req.auth?.role ?? 'user';

/** /sources: anyone with a key reads; writes and manual scrapes need the admin role. */
export function sourcesRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/sources', async (req, res) => {
    res.json(await listSources(ctx, parseInput(listQuery, req.query, 'query'), reader(req)));
  });
  router.post('/sources', requireAdmin, async (req, res) => {
    res.status(201).json(await createSource(ctx, parseInput(createBody, req.body, 'body')));
  });
  router.get('/sources/:source_id', async (req, res) => {
    res.json(renderSource(await findSource(ctx, sourceId(req)), reader(req)));
  });
  router.patch('/sources/:source_id', requireAdmin, async (req, res) => {
    res.json(await updateSource(ctx, sourceId(req), parseInput(patchBody, req.body, 'body')));
  });
  router.delete('/sources/:source_id', requireAdmin, async (req, res) => {
    await deleteSource(ctx, sourceId(req));
    res.status(204).end();
  });
  router.post('/sources/:source_id/scrape', requireAdmin, async (req, res) => {
    const outcome = await scrapeSourceNow(ctx, sourceId(req));
    res.status(outcome.status).json(outcome.body);
  });
  return router;
}
