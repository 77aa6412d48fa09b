import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Router } from 'express';
import { headlessChromium } from '@proxy-pool/test-kit';
import { chromium } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { buildOpenApiDocument, routeDocs, type OpenApiDocument } from '../../src/openapi/document.js';
import { errorEnvelopeSchema } from '../../src/openapi/schemas.js';
import { acquireBodySchema } from '../../src/services/leases.service.js';
import { createBody as createSourceBody } from '../../src/routes/sources.routes.js';
import { startTestApi, type TestApi } from '../support/harness.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../../../test-artifacts');
/** A UI, not API: served by Bull Board's own app under this prefix, documented as a single GET. */
const UI_MOUNTS = ['/admin/queues'];

interface Layer {
  name: string;
  rawPath?: string | string[];
  slash?: boolean;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[]; mountpath?: unknown };
}

/** Every (method, path) the app routes, `:param` as `{param}`, and every sub-application mounted under a path. */
function servedRoutes(stack: Layer[], prefix = '', found = { routes: new Set<string>(), mounts: [] as string[] }) {
  for (const layer of stack) {
    const paths = [layer.route?.path ?? layer.rawPath ?? '/'].flat().map((p) => (layer.slash ? '' : p));
    if (layer.route) {
      for (const p of paths)
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          found.routes.add(`${method.toUpperCase()} ${(prefix + p).replace(/:(\w+)/g, '{$1}')}`);
        }
    } else if (layer.handle.stack) {
      for (const p of paths) servedRoutes(layer.handle.stack, prefix + p, found);
    } else if ('mountpath' in layer.handle) {
      found.mounts.push(...paths.map((p) => prefix + p));
    }
  }
  return found;
}

const SPEC_ENDPOINTS = [
  'GET /sources',
  'POST /sources',
  'PATCH /sources/{source_id}',
  'DELETE /sources/{source_id}',
  'POST /sources/{source_id}/scrape',
  'GET /proxies',
  'GET /proxies/{proxy_id}',
  'POST /proxies/acquire',
  'POST /proxies/acquire/{lease_id}/release',
  'POST /proxies/test',
  'GET /stats/pool',
  'GET /stats/plugins',
  'POST /auth/register',
  'POST /auth/keys',
  'GET /auth/keys',
  'DELETE /auth/keys/{key_id}',
  'GET /account',
  'GET /account/credits',
  'GET /account/leases',
  'GET /health',
];

/** The fields each example answer of api-reference.txt shows (`a[]` is an array of objects, `a.b` a nested field). */
const SPEC_FIELDS: Record<string, string> = {
  'GET /sources 200':
    'items[].id items[].url items[].parser_name items[].cron_schedule items[].default_protocol items[].is_active items[].last_scraped_at items[].created_at next_cursor total_count',
  'POST /sources/{source_id}/scrape 200': 'source_id proxies_discovered proxies_new proxies_updated duration_ms',
  'GET /proxies 200':
    'items[].id items[].ip items[].port items[].protocol items[].status items[].anonymity items[].exit_ip items[].country items[].score items[].avg_latency_ms items[].uptime_pct items[].last_checked_at items[].first_seen_at items[].tags next_cursor total_count',
  'GET /proxies/{proxy_id} 200':
    'proxy.id recent_checks[].checker_name recent_checks[].stage recent_checks[].passed recent_checks[].latency_ms recent_checks[].detail recent_checks[].created_at',
  'POST /proxies/acquire 200':
    'lease_id proxy.ip proxy.port proxy.protocol proxy.country proxy.anonymity expires_at credits_remaining',
  'POST /proxies/test 200':
    'url results[].proxy_id results[].ip results[].port results[].reachable results[].status_code results[].latency_ms results[].error success_rate',
  'GET /stats/pool 200':
    'total_proxies by_status.active by_status.dead by_status.unchecked by_protocol.http by_protocol.https by_protocol.socks4 by_protocol.socks5 by_anonymity.transparent by_anonymity.anonymous by_anonymity.elite avg_score avg_latency_ms sources_active sources_total last_scrape_at last_validation_at',
  'GET /stats/plugins 200':
    'parsers[].name parsers[].type checkers[].name checkers[].stage checkers[].priority notifiers[].name notifiers[].healthy notifiers[].subscribes_to',
  'POST /auth/register 201': 'user.id user.email user.display_name api_key.id api_key.key api_key.prefix api_key.label',
  'GET /account/credits 200':
    'balance recent_transactions[].amount recent_transactions[].tx_type recent_transactions[].description recent_transactions[].created_at',
  'GET /health 200': 'status postgres redis version',
};

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
};

/** Dotted field paths of a JSON schema, following $refs into the document's components. */
function fieldPaths(doc: OpenApiDocument, schema: JsonSchema | undefined, prefix = ''): string[] {
  const resolved = schema?.$ref ? (doc.components?.schemas?.[schema.$ref.split('/').pop()!] as JsonSchema) : schema;
  if (!resolved) return [];
  if (resolved.items) return fieldPaths(doc, resolved.items, `${prefix}[]`);
  return Object.entries(resolved.properties ?? {}).flatMap(([key, value]) => {
    const field = prefix ? `${prefix}.${key}` : key;
    return [field, ...fieldPaths(doc, value, field)];
  });
}

const operationKeys = (doc: OpenApiDocument) =>
  Object.entries(doc.paths ?? {}).flatMap(([p, item]) =>
    Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${p}`),
  );

let api: TestApi;
let document: OpenApiDocument;
beforeAll(() => {
  api = startTestApi();
  document = buildOpenApiDocument(api.ctx.version);
});
afterAll(async () => {
  await api.close();
});

describe('OpenAPI coverage', () => {
  it('documents every route the app serves, and serves every documented operation', () => {
    const app = createApp(api.ctx) as unknown as { router: { stack: Layer[] } };
    const { routes, mounts } = servedRoutes(app.router.stack);
    // The walk itself: a route on a router mounted under a prefix is found, with its parameter in OpenAPI form.
    const inner = Router().get('/things/:thing_id', (_req, res) => void res.end());
    const probe = createApp(api.ctx, { extraRoutes: [Router().use('/extra', inner)] }) as unknown as {
      router: { stack: Layer[] };
    };
    expect([...servedRoutes(probe.router.stack).routes].filter((route) => !routes.has(route))).toEqual([
      'GET /extra/things/{thing_id}',
    ]);
    expect(mounts).toEqual(UI_MOUNTS);
    const served = [...routes, ...UI_MOUNTS.map((mount) => `GET ${mount}`)];
    const documented = operationKeys(document);
    expect(served.length).toBeGreaterThan(25);
    expect({ undocumented: served.filter((route) => !documented.includes(route)) }).toEqual({ undocumented: [] });
    expect({ notServed: documented.filter((op) => !served.includes(op)) }).toEqual({ notServed: [] });
  });

  it('is a valid OpenAPI 3.1 document with every endpoint and answer field of the spec', async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'Proxy Pool API', version: api.ctx.version });
    expect(SPEC_ENDPOINTS.filter((op) => !operationKeys(document).includes(op))).toEqual([]);
    for (const [key, fields] of Object.entries(SPEC_FIELDS)) {
      const [method, p, status] = key.split(' ') as [string, string, string];
      const schema =
        document.paths?.[p]?.[method.toLowerCase() as 'get']?.responses?.[status]?.content?.['application/json']
          ?.schema;
      const documented = fieldPaths(document, schema as JsonSchema);
      expect({ key, missing: fields.split(' ').filter((field) => !documented.includes(field)) }).toEqual({
        key,
        missing: [],
      });
    }
  });

  it('requires the bearer key everywhere but the public operations, and uses the routes’ own request schemas', () => {
    const publicOps = [
      'GET /health',
      'GET /ready',
      'GET /live',
      'POST /auth/register',
      'GET /judge',
      'GET /metrics',
      'GET /openapi.json',
      'GET /docs',
    ];
    for (const [p, item] of Object.entries(document.paths ?? {})) {
      for (const [method, op] of Object.entries(item ?? {}) as Array<
        [string, { security?: unknown[]; responses: Record<string, unknown> }]
      >) {
        const key = `${method.toUpperCase()} ${p}`;
        if (publicOps.includes(key)) expect({ key, security: op.security }).toEqual({ key, security: [] });
        else
          expect({ key, security: op.security?.[0], has401: '401' in op.responses }).toEqual({
            key,
            security: { bearerAuth: [] },
            has401: true,
          });
      }
    }
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components?.schemas?.ErrorEnvelope).toBeDefined();
    const docOf = (method: string, p: string) => routeDocs.find((doc) => doc.method === method && doc.path === p);
    expect(docOf('post', '/proxies/acquire')?.request?.body).toBe(acquireBodySchema);
    expect(docOf('post', '/sources')?.request?.body).toBe(createSourceBody);
  });
});

describe('documented answers match real ones', () => {
  /** zod strips keys a schema does not declare: an undocumented field shows up as a difference. */
  function expectDocumented(method: string, p: string, status: number, body: unknown): void {
    const schema = routeDocs.find((doc) => doc.method === method && doc.path === p)?.responses[status]?.schema;
    expect(schema).toBeDefined();
    expect(schema!.parse(body)).toEqual(body);
  }

  it('for the account, key, stats, pool, source and health answers', async () => {
    const registered = await api.request
      .post('/auth/register')
      .send({ email: `oa-${Date.now()}-${Math.random()}@example.test`, display_name: 'Docs' });
    expect(registered.status).toBe(201);
    expectDocumented('post', '/auth/register', 201, registered.body);
    const auth = { Authorization: `Bearer ${registered.body.api_key.key as string}` };
    const created = await api.request.post('/auth/keys').set(auth).send({ label: 'second' });
    expectDocumented('post', '/auth/keys', 201, created.body);
    const gets: Array<[string, number]> = [
      ['/account', 200],
      ['/account/credits', 200],
      ['/auth/keys', 200],
      ['/account/leases', 200],
      ['/account/webhooks', 200],
      ['/stats/pool', 200],
      ['/stats/plugins', 200],
      ['/sources', 200],
      ['/health', 200],
    ];
    for (const [p, status] of gets) {
      const res = await api.request.get(p).set(auth);
      expect({ p, status: res.status }).toEqual({ p, status });
      expectDocumented('get', p, status, res.body);
    }
    const proxies = await api.request.get('/proxies?limit=5').set(auth);
    expectDocumented('get', '/proxies', 200, proxies.body);
    const denied = await api.request.get('/account');
    expect(denied.status).toBe(401);
    expect(errorEnvelopeSchema.parse(denied.body)).toEqual(denied.body);
  });
});

describe('GET /openapi.json and GET /docs', () => {
  it('serve the document and a page that renders it, without an API key', async () => {
    const json = await api.request.get('/openapi.json');
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toEqual(JSON.parse(JSON.stringify(document)));
    const page = await api.request.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('./openapi.json');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('renders every operation in a real browser, offline', async () => {
    const server = await new Promise<Server>((resolve) => {
      const listening = createApp(api.ctx).listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    const browser = await chromium.launch(headlessChromium());
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      page.on(
        'request',
        (request) => !request.url().startsWith('http://127.0.0.1') && problems.push(`outside request ${request.url()}`),
      );
      await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/docs`);
      await page
        .locator('details.op')
        .nth(operationKeys(document).length - 1)
        .waitFor({ timeout: 15_000 });
      expect(await page.locator('details.op').count()).toBe(operationKeys(document).length);
      await page.locator('details.op', { hasText: '/proxies/acquire' }).first().click();
      await expect(page.getByText('lease_duration_seconds?: integer = 300').first().isVisible()).resolves.toBe(true);
      await expect(page.title()).resolves.toBe(`Proxy Pool API ${api.ctx.version}`);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'api-docs.png'), fullPage: false });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
