import { once } from 'node:events';
import { Router, type Response } from 'express';
import type { ApiContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import {
  acquireBodySchema,
  acquireHeadersSchema,
  acquireProxy,
  releaseProxyLease,
} from '../services/leases.service.js';
import { leaseReportBodySchema, reportLease } from '../services/lease-reports.service.js';
import {
  DEFAULT_ORDER,
  proxyListQuerySchema,
  proxyPageJson,
  toProxyFilters,
} from '../services/proxies-query.service.js';
import {
  EXPORT_CONTENT_TYPES,
  exportBatches,
  exportFormatter,
  proxyExportQuerySchema,
} from '../services/proxy-export.service.js';
import { assertKnownSiteCheck } from '../services/site-checks.service.js';

/**
 * The pool routes. Fixed paths only (`/proxies`, `/proxies/export`, `/proxies/acquire…`): `GET /proxies/:proxy_id`
 * lives in its own router, mounted after this one, so it never swallows `export` or `acquire`.
 */
export function proxiesRoutes(ctx: ApiContext): Router {
  const router = Router();

  router.get('/proxies', async (req, res) => {
    const url = req.originalUrl;
    const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    const body = await proxyPageJson(ctx, rawQuery, () =>
      parseInput(proxyListQuerySchema, req.query, 'query parameters'),
    );
    // The bytes are the final JSON answer: written as they are (Express's send would only re-derive headers).
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length }).end(body);
  });

  router.get('/proxies/export', async (req, res) => {
    const query = parseInput(proxyExportQuerySchema, req.query, 'query parameters');
    if (query.works_for !== undefined) await assertKnownSiteCheck(ctx, query.works_for);
    const format = exportFormatter(query);
    const batches = exportBatches(ctx, toProxyFilters(query), query.sort, query.order ?? DEFAULT_ORDER[query.sort]);
    // The first batch is read before any byte is sent, so a failing query still answers with a proper error.
    let next = await batches.next();
    res.status(200).type(EXPORT_CONTENT_TYPES[query.format]);
    res.setHeader('Content-Disposition', `attachment; filename="proxies.${query.format}"`);
    res.setHeader('Cache-Control', 'no-store');
    let first = true;
    if (!(await write(res, format.head))) return void (await batches.return(undefined));
    while (!next.done) {
      if (!(await write(res, format.batch(next.value, first)))) return void (await batches.return(undefined));
      first = false;
      next = await batches.next();
    }
    res.end(format.tail);
  });

  router.post('/proxies/acquire', async (req, res) => {
    const body = parseInput(acquireBodySchema, req.body, 'request body');
    const headers = parseInput(
      acquireHeadersSchema,
      { 'Idempotency-Key': req.get('idempotency-key') },
      'request headers',
    );
    const caller = { userId: req.auth!.userId, apiKeyId: req.auth!.apiKeyId };
    res.json(await acquireProxy(ctx, caller, body, headers['Idempotency-Key']));
  });

  router.post('/proxies/acquire/:lease_id/release', async (req, res) => {
    res.json(await releaseProxyLease(ctx, req.auth!.userId, String(req.params.lease_id)));
  });

  router.post('/proxies/acquire/:lease_id/report', async (req, res) => {
    const body = parseInput(leaseReportBodySchema, req.body, 'request body');
    res.status(201).json(await reportLease(ctx, req.auth!.userId, String(req.params.lease_id), body));
  });

  return router;
}

/** Writes with backpressure; false once the client has gone away (the export then stops reading). */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (chunk.length > 0 && !res.write(chunk)) {
    await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  return !res.destroyed;
}
