import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, type Database } from '@proxy-pool/db';
import { startApi } from '../../src/main.js';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { baseEnv, clearQueuePrefix } from '../e2e/support/processes.js';
import { createTestUser, type TestUser } from '../support/harness.js';
import { isEnvelope, rawRequest, type RawRequest } from '../support/raw-http.js';

// A database of its own: the row counts below must not move with other test files' writes.
let database: PrivateDatabase;
let running: Awaited<ReturnType<typeof startApi>>;
let port: number;
let db: Database;
let admin: TestUser;

const env = baseEnv({ RATE_LIMITS_ENABLED: 'false', LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: '0' });

beforeAll(async () => {
  database = await privateDatabase();
  running = await startApi({
    ...env,
    DATABASE_URL: database.url,
  });
  port = (running.server.address() as AddressInfo).port;
  db = createDatabase({ url: database.url, poolSize: 2 });
  admin = await createTestUser({ db }, { role: 'admin', credits: 5 });
});

afterAll(async () => {
  await running?.stop();
  await db?.$disconnect();
  await database?.drop();
  await clearQueuePrefix(env);
});

const json = { 'Content-Type': 'application/json' };
const corrupt = (compressed: Buffer) =>
  Buffer.concat([compressed.subarray(0, 12), Buffer.from('not the rest of the stream')]);

describe('input the API cannot decode or store', () => {
  it('answers 400 for undecodable bodies and paths, 422 for unstorable values, 431 for huge headers: all in the envelope, nothing written', async () => {
    const body = JSON.stringify({ label: 'fine' });
    const cases: Array<[number, RawRequest]> = [
      [
        400,
        {
          method: 'POST',
          path: '/auth/keys',
          headers: { ...admin.auth, ...json, 'Content-Encoding': 'gzip' },
          body: corrupt(gzipSync(body)),
        },
      ],
      [
        400,
        {
          method: 'POST',
          path: '/auth/keys',
          headers: { ...admin.auth, ...json, 'Content-Encoding': 'br' },
          body: corrupt(brotliCompressSync(Buffer.from(body))),
        },
      ],
      [
        400,
        {
          method: 'POST',
          path: '/auth/register',
          headers: { ...json, 'Content-Encoding': 'gzip' },
          body: Buffer.from('definitely not gzip'),
        },
      ],
      [400, { method: 'GET', path: '/proxies/%ZZ', headers: admin.auth }],
      [400, { method: 'DELETE', path: '/auth/keys/%', headers: admin.auth }],
      [
        422,
        { method: 'POST', path: '/proxies/acquire', headers: { ...admin.auth, ...json }, body: '{"min_score":1e-85}' },
      ],
      [422, { method: 'GET', path: `/proxies?min_score=0.${'0'.repeat(84)}1`, headers: admin.auth }],
      [422, { method: 'GET', path: `/proxies?min_uptime_pct=0.${'0'.repeat(44)}1`, headers: admin.auth }],
      [
        422,
        {
          method: 'POST',
          path: '/auth/register',
          headers: json,
          body: `{"email":"${randomUUID()}@example.test","display_name":"\\ud800"}`,
        },
      ],
      [
        422,
        {
          method: 'POST',
          path: '/auth/keys',
          headers: { ...admin.auth, ...json },
          body: '{"label":"lone \\udc00 surrogate"}',
        },
      ],
      [
        422,
        { method: 'POST', path: '/auth/keys', headers: { ...admin.auth, ...json }, body: '{"label":"nul \\u0000"}' },
      ],
      [
        422,
        {
          method: 'POST',
          path: `/admin/users/${admin.userId}/credits`,
          headers: { ...admin.auth, ...json },
          body: '{"amount":1,"description":"\\ud800"}',
        },
      ],
      [
        422,
        {
          method: 'POST',
          path: `/admin/users/${admin.userId}/credits`,
          headers: { ...admin.auth, ...json },
          body: '{"amount":1,"description":"a\\u0000b"}',
        },
      ],
      [
        422,
        {
          method: 'POST',
          path: '/proxies/test',
          headers: { ...admin.auth, ...json },
          body: '{"url":"http://127.0.0.1:9/\\ud800"}',
        },
      ],
      [
        422,
        {
          method: 'POST',
          path: '/account/webhooks',
          headers: { ...admin.auth, ...json },
          body: '{"url":"http://127.0.0.1:9/\\ud800"}',
        },
      ],
      [431, { method: 'GET', path: '/account', headers: { Authorization: `Bearer pp_${'A'.repeat(17_000)}` } }],
    ];
    const before = await footprint();
    const wrong: string[] = [];
    for (const [expected, request] of cases) {
      const res = await rawRequest(port, request);
      if (res.status !== expected || !isEnvelope(res.json))
        wrong.push(`${request.method} ${request.path.slice(0, 60)} → ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(await footprint()).toEqual(before);
    // The API still serves.
    expect((await rawRequest(port, { method: 'GET', path: '/account', headers: admin.auth })).status).toBe(200);
  });
});

async function footprint() {
  const [row] = await db.$queryRaw<Array<Record<string, number>>>`
    SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM api_keys) AS keys,
      (SELECT count(*)::int FROM credit_transactions) AS transactions, (SELECT count(*)::int FROM leases) AS leases,
      (SELECT count(*)::int FROM user_webhooks) AS webhooks,
      (SELECT credit_balance FROM users WHERE id = ${admin.userId}::uuid) AS balance`;
  return row;
}
