import { Router } from 'express';
import type { ApiContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import { getProxyDetail } from '../services/proxy-detail.service.js';
import { runUrlTest, urlTestBodySchema } from '../services/url-test.service.js';

/**
 * `GET /proxies/{proxy_id}` and `POST /proxies/test`. Mounted after the pool router, so its fixed paths
 * (`/proxies/export`, `/proxies/acquire`) are matched first.
 */
export function proxyDetailRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/proxies/test', async (req, res) => {
    res.json(await runUrlTest(ctx, parseInput(urlTestBodySchema, req.body, 'request body')));
  });
  router.get('/proxies/:proxy_id', async (req, res) => {
    res.json(await getProxyDetail(ctx, String(req.params.proxy_id)));
  });
  return router;
}
