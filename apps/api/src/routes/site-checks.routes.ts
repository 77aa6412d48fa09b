import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { requireAdmin } from '../http/auth.js';
import { pageQueryShape } from '../http/pagination.js';
import { booleanQueryParam, parseInput } from '../http/validate.js';
import {
  createSiteCheck,
  deleteSiteCheck,
  getSiteCheck,
  listSiteChecks,
  siteCheckNameSchema,
  updateSiteCheck,
} from '../services/site-checks.service.js';

/** Longest body_regex accepted: with the checker's body limit and its match time limit, this bounds a match's cost. */
export const BODY_REGEX_MAX_LENGTH = 500;

const httpUrl = z
  .string()
  .max(2048)
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' });

const bodyRegex = z
  .string()
  .min(1)
  .max(BODY_REGEX_MAX_LENGTH)
  .refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid JavaScript regular expression (no flags, no delimiters)');

const siteCheckFields = {
  name: siteCheckNameSchema,
  url: httpUrl,
  expected_status: z.number().int().min(100).max(599),
  body_substring: z.string().min(1).max(1000).nullable(),
  body_regex: bodyRegex.nullable(),
  interval_seconds: z.number().int().min(60).max(86_400),
  sample_size: z.number().int().min(1).max(1000),
  is_active: z.boolean(),
};

export const createBody = z.strictObject({
  ...siteCheckFields,
  expected_status: siteCheckFields.expected_status.default(200),
  body_substring: siteCheckFields.body_substring.optional(),
  body_regex: siteCheckFields.body_regex.optional(),
  interval_seconds: siteCheckFields.interval_seconds.default(600),
  sample_size: siteCheckFields.sample_size.default(50),
  is_active: siteCheckFields.is_active.default(true),
});
export const patchBody = z.strictObject(siteCheckFields).partial();
export const listQuery = z.object({
  ...pageQueryShape,
  is_active: booleanQueryParam().optional(),
});

const checkId = (req: Request): string => String(req.params.site_check_id);

/** /site-checks: anyone with a key reads; writes need the admin role. */
export function siteChecksRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/site-checks', async (req, res) => {
    res.json(await listSiteChecks(ctx, parseInput(listQuery, req.query, 'query')));
  });
  router.post('/site-checks', requireAdmin, async (req, res) => {
    res.status(201).json(await createSiteCheck(ctx, parseInput(createBody, req.body, 'body')));
  });
  router.get('/site-checks/:site_check_id', async (req, res) => {
    res.json(await getSiteCheck(ctx, checkId(req)));
  });
  router.patch('/site-checks/:site_check_id', requireAdmin, async (req, res) => {
    res.json(await updateSiteCheck(ctx, checkId(req), parseInput(patchBody, req.body, 'body')));
  });
  router.delete('/site-checks/:site_check_id', requireAdmin, async (req, res) => {
    await deleteSiteCheck(ctx, checkId(req));
    res.status(204).end();
  });
  return router;
}
