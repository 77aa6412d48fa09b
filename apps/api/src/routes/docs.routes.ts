import { Router } from 'express';
import type { ApiContext } from '../context.js';
import { DOCS_PAGE_CSP, DOCS_PAGE_HTML } from '../openapi/docs-page.js';
import { buildOpenApiDocument } from '../openapi/document.js';

/** GET /openapi.json (the document, built once on first use) and GET /docs (a page rendering it). No API key. */
export function docsRoutes(ctx: ApiContext): Router {
  const router = Router();
  let document: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= JSON.stringify(buildOpenApiDocument(ctx.version));
    res.type('application/json').set('Cache-Control', 'public, max-age=300').send(document);
  });
  router.get('/docs', (_req, res) => {
    res
      .type('html')
      .set({ 'Content-Security-Policy': DOCS_PAGE_CSP, 'Cache-Control': 'public, max-age=300' })
      .send(DOCS_PAGE_HTML);
  });
  return router;
}
