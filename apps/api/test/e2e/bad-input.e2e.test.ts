import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { buildOpenApiDocument } from '../../src/openapi/document.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

jest.setTimeout(120_000);

// Every bad string carries this marker, so a row written by mistake can be found afterwards.
const MARK = 'zq9mark';
// Invalid in any text field: over every length limit, or holding a NUL (PostgreSQL text cannot store it).
const BAD_STRINGS = [`${MARK}${'x'.repeat(100_000)}`, `${MARK}\u0000\u202e漢字🙂`];
// Injection-shaped but legitimate text: may be accepted as data, must never break anything (no 5xx).
const HOSTILE_STRINGS = [
  `' OR 1=1; DROP TABLE users; -- ${MARK}`,
  `<script>alert(1)</script>${MARK}`,
  `\u202e漢字🙂${MARK}`,
  `{{7*7}}\${7*7}${MARK}`,
];
const BAD_PATH_VALUES = ['not-a-uuid', "'%20OR%201=1--", '%00', 'x'.repeat(300), '..%2F..%2Fetc', '-1'];
const BAD_QUERY_VALUES = [
  '-1',
  'abc',
  '1e309',
  '99999999999999999999',
  "' OR 1=1 --",
  '%00',
  'x'.repeat(3000),
  '{"$gt":""}',
];
const SKIPPED = new Set(['/health', '/judge', '/metrics', '/openapi.json', '/docs', '/admin/queues']);

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  enum?: unknown[];
  items?: Schema;
  $ref?: string;
};
interface Operation {
  method: string;
  path: string;
  params: string[];
  query: string[];
  body?: Schema;
  /** False for the public operations (no API key needed). */
  secured: boolean;
}

const document = buildOpenApiDocument('0.1.0') as unknown as {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string }>;
        requestBody?: { content: Record<string, { schema: Schema }> };
        security?: unknown[];
      }
    >
  >;
};

const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
  SKIPPED.has(path)
    ? []
    : Object.entries(methods).map(([method, op]) => ({
        method,
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody?.content['application/json']?.schema,
        secured: op.security === undefined || op.security.length > 0,
      })),
);

/** A value of the wrong type for a property, so an object made of them is invalid whatever is optional. */
function wrongValue(schema: Schema): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum) return `bogus-${MARK}`;
  if (type === 'string') return 12345;
  if (type === 'integer' || type === 'number') return `NaN-${MARK}`;
  if (type === 'boolean') return `yes-${MARK}`;
  if (type === 'array') return `not-a-list-${MARK}`;
  return [MARK];
}

function bodyCases(schema: Schema | undefined): unknown[] {
  const properties = Object.entries(schema?.properties ?? {});
  const cases: unknown[] = [[], `"${MARK}"`, 123, [{ [MARK]: 1 }]];
  if (properties.length > 0) {
    cases.push(Object.fromEntries(properties.map(([name, prop]) => [name, wrongValue(prop)])));
    for (const [name, prop] of properties) {
      const numeric = prop.type === 'integer' || prop.type === 'number';
      for (const bad of numeric ? [-1e308, 1e308, -1, 0.5] : BAD_STRINGS) {
        cases.push({ ...Object.fromEntries(properties.map(([other, p]) => [other, wrongValue(p)])), [name]: bad });
      }
    }
  }
  return cases;
}

function send(op: Operation, request: { url: string; body?: unknown }, caller: TestUser) {
  let call = api.request[op.method as 'get' | 'post' | 'patch' | 'delete'](request.url).set(caller.auth);
  if (request.body !== undefined)
    call = call
      .set('Content-Type', 'application/json')
      .send(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
  return call;
}

let api: TestApi;
let admin: TestUser;
let user: TestUser;

async function fingerprint(): Promise<string> {
  const ids = [admin.userId, user.userId];
  const [row] = await api.ctx.db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT
      (SELECT json_agg(json_build_object('id', id, 'balance', credit_balance, 'role', role, 'name', display_name) ORDER BY id) FROM users WHERE id = ANY(${ids}::uuid[])) AS users,
      (SELECT count(*)::int FROM api_keys WHERE user_id = ANY(${ids}::uuid[])) AS keys,
      (SELECT count(*)::int FROM api_keys WHERE user_id = ANY(${ids}::uuid[]) AND revoked_at IS NOT NULL) AS revoked,
      (SELECT count(*)::int FROM credit_transactions WHERE user_id = ANY(${ids}::uuid[])) AS transactions,
      (SELECT count(*)::int FROM leases WHERE user_id = ANY(${ids}::uuid[])) AS leases,
      (SELECT count(*)::int FROM user_webhooks WHERE user_id = ANY(${ids}::uuid[])) AS webhooks,
      (SELECT count(*)::int FROM sources WHERE url LIKE ${`%${MARK}%`} OR cron_schedule LIKE ${`%${MARK}%`}) AS marked_sources,
      (SELECT count(*)::int FROM users WHERE email LIKE ${`%${MARK}%`} OR display_name LIKE ${`%${MARK}%`}) AS marked_users`;
  return JSON.stringify(row);
}

beforeAll(async () => {
  api = startTestApi();
  admin = await createTestUser(api.ctx, { role: 'admin', credits: 3 });
  user = await createTestUser(api.ctx, { credits: 3 });
});
afterAll(async () => {
  await api.close();
});

describe('bad input on every documented operation', () => {
  it('covers the API', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
  });

  it.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s answers 4xx in the envelope and changes nothing',
    async (_name, op) => {
      const before = await fingerprint();
      const fill = (path: string, bad?: { name: string; value: string }) =>
        op.params.reduce((p, name) => p.replace(`{${name}}`, bad?.name === name ? bad.value : randomUUID()), path);
      const requests: Array<{ url: string; body?: unknown }> = [];
      for (const name of op.params)
        for (const value of BAD_PATH_VALUES) requests.push({ url: fill(op.path, { name, value }), body: {} });
      for (const name of op.query)
        for (const value of BAD_QUERY_VALUES)
          requests.push({ url: `${fill(op.path)}?${name}=${encodeURIComponent(value)}` });
      if (op.method !== 'get' && op.method !== 'delete')
        for (const body of bodyCases(op.body)) requests.push({ url: fill(op.path), body });

      const failures: string[] = [];
      for (const [index, request] of requests.entries()) {
        const res = await send(op, request, index % 2 === 0 ? admin : user);
        const enveloped =
          res.body?.error &&
          typeof res.body.error.code === 'string' &&
          typeof res.body.error.message === 'string' &&
          typeof res.body.error.details === 'object';
        if (res.status < 400 || res.status >= 500 || !enveloped)
          failures.push(`${res.status} ${request.url.slice(0, 80)} ${JSON.stringify(request.body)?.slice(0, 80)}`);
      }
      for (const header of !op.secured
        ? []
        : ["Bearer ' OR 1=1 --", `Bearer pp_${'A'.repeat(48)}`, 'Basic %%%', `Bearer ${'x'.repeat(10_000)}`]) {
        const res = await api.request[op.method as 'get' | 'post' | 'patch' | 'delete'](fill(op.path)).set(
          'Authorization',
          header,
        );
        if (res.status !== 401 || res.body?.error?.code !== 'UNAUTHORIZED')
          failures.push(`${res.status} with Authorization ${header.slice(0, 30)}`);
      }
      expect(failures).toEqual([]);
      expect(await fingerprint()).toBe(before);

      // Hostile but well-formed text in each string field, alone: data, never a crash.
      const properties = Object.entries(op.body?.properties ?? {}).filter(
        ([, prop]) => prop.type === 'string' && !prop.enum,
      );
      for (const [name] of op.method === 'get' ? [] : properties) {
        for (const text of HOSTILE_STRINGS) {
          const res = await send(
            op,
            {
              url: op.params.reduce((p, param) => p.replace(`{${param}}`, randomUUID()), op.path),
              body: { [name]: text },
            },
            admin,
          );
          expect({ field: name, text, status: res.status < 500 }).toEqual({ field: name, text, status: true });
        }
      }
    },
  );
});
