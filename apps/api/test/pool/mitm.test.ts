import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { ids, insertProxies, listProxies, type SeededProxy } from './seed.js';

// A database of its own: mitm=false matches every other file's proxies too.
let database: PrivateDatabase;
let api: TestApi;
let user: TestUser;
let intercepting: SeededProxy;
let honest: SeededProxy;
let unchecked: SeededProxy;

/** What the checker's tls_integrity stage writes on another certificate (its own test runs the stage). */
async function markMitm(proxy: SeededProxy, mitm: boolean) {
  await api.ctx.db.$executeRaw`UPDATE proxies SET mitm = ${mitm} WHERE id = ${proxy.id}::uuid`;
}

beforeAll(async () => {
  database = await privateDatabase();
  api = startTestApi({ DATABASE_URL: database.url, PROXY_COUNT_CACHE_SECONDS: '0' });
  user = await createTestUser(api.ctx, { credits: 10 });
  [intercepting, honest, unchecked] = (await insertProxies(api.ctx, [
    { score: 0.9, protocol: 'https' },
    { score: 0.5, protocol: 'https' },
    { status: 'unchecked' },
  ])) as [SeededProxy, SeededProxy, SeededProxy];
  await markMitm(intercepting, true);
});

afterAll(async () => {
  await api?.close();
  await database?.drop();
});

const list = (query: Record<string, string>) => listProxies(api, user, query);

describe('mitm on GET /proxies, GET /proxies/{id} and the export', () => {
  it('shows mitm on every item and on the detail', async () => {
    const body = await list({});
    expect(body.items.map((item) => [item.id, item.mitm])).toEqual([
      [intercepting.id, true],
      [honest.id, false],
      [unchecked.id, false],
    ]);
    const detail = await api.request.get(`/proxies/${intercepting.id}`).set(user.auth);
    expect(detail.body.proxy).toMatchObject({ id: intercepting.id, mitm: true });
  });

  it('filters on mitm=true and mitm=false', async () => {
    expect(ids((await list({ mitm: 'true' })).items)).toEqual([intercepting.id]);
    const others = await list({ mitm: 'false' });
    expect(ids(others.items)).toEqual([honest.id, unchecked.id]);
    expect(others.total_count).toBe(2);
    expect(ids((await list({ mitm: 'false', status: 'active' })).items)).toEqual([honest.id]);
  });

  it('refuses another mitm value with 422 VALIDATION_ERROR', async () => {
    const res = await api.request.get('/proxies').query({ mitm: 'yes' }).set(user.auth);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['mitm']);
  });

  it('exports the mitm column and filters the export', async () => {
    const csv = await api.request.get('/proxies/export').query({ format: 'csv', mitm: 'true' }).set(user.auth);
    const [header, line, ...rest] = csv.text.trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns).toContain('mitm');
    expect(line!.split(',')[columns.indexOf('mitm')]).toBe('true');
    expect(rest).toEqual([]);
    const txt = await api.request.get('/proxies/export').query({ mitm: 'false', status: 'active' }).set(user.auth);
    expect(txt.text).toBe(`https://${honest.ip}:${honest.port}\n`);
  });
});

describe('mitm on POST /proxies/acquire', () => {
  const acquire = () => api.request.post('/proxies/acquire').set(user.auth).send({});

  it('never leases a proxy seen intercepting TLS, however well it scores', async () => {
    const first = await acquire();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ proxy: { ip: honest.ip, port: honest.port }, credits_remaining: 9 });
    // Only the intercepting proxy is free: it is not leasable, and nothing is charged.
    const second = await acquire();
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ALL_PROXIES_LEASED');
    const ask = await api.request.get('/proxies').query({ mitm: 'true', status: 'active' }).set(user.auth);
    expect(ask.body.items.map((item: { id: string }) => item.id)).toEqual([intercepting.id]);
  });

  it('leases it again once a later honest check clears the flag', async () => {
    await markMitm(intercepting, false);
    const res = await acquire();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ proxy: { ip: intercepting.ip, port: intercepting.port }, credits_remaining: 8 });
  });
});
