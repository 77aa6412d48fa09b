import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { expectedOrder, insertProxies, type SeededProxy } from './seed.js';

const SMALL = 'XE';
const LARGE = 'XF';
const LARGE_ROWS = 2100;

let api: TestApi;
let user: TestUser;
let small: SeededProxy[];
let large: SeededProxy[];

beforeAll(async () => {
  api = startTestApi({ PROXY_COUNT_CACHE_SECONDS: '0' });
  user = await createTestUser(api.ctx);
  small = await insertProxies(api.ctx, [
    { country: SMALL, protocol: 'socks5', score: 0.9, tags: { note: 'has "quotes", commas' } },
    { country: SMALL, protocol: 'http', score: 0.8, ip: '::1' },
    { country: SMALL, protocol: 'https', score: 0.7, status: 'dead' },
  ]);
  large = await insertProxies(
    api.ctx,
    Array.from({ length: LARGE_ROWS }, (_, i) => ({ country: LARGE, score: (i % 50) / 100 })),
  );
});

afterAll(async () => {
  await api.close();
});

const exportAs = (query: Record<string, string>) =>
  api.request
    .get('/proxies/export')
    .query({ country: SMALL, ...query })
    .set(user.auth)
    .buffer(true);

describe('GET /proxies/export', () => {
  it('writes txt lines protocol://ip:port by default (IPv6 in brackets), best score first', async () => {
    const res = await exportAs({});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(
      `socks5://${small[0]!.ip}:${small[0]!.port}\nhttp://[::1]:${small[1]!.port}\nhttps://${small[2]!.ip}:${small[2]!.port}\n`,
    );
  });

  it('writes ip:port with scheme=none, and applies the filters', async () => {
    const res = await exportAs({ format: 'txt', scheme: 'none', status: 'active', min_score: '0.85' });
    expect(res.text).toBe(`${small[0]!.ip}:${small[0]!.port}\n`);
  });

  it('writes csv with a header and quoted fields', async () => {
    const res = await exportAs({ format: 'csv' });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,ip,port,protocol,status,anonymity,exit_ip,country,asn,as_org,ip_type,mitm,score,avg_latency_ms,uptime_pct,last_checked_at,first_seen_at,tags',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(
      `${small[0]!.id},${small[0]!.ip},${small[0]!.port},socks5,active,elite,,XE,,,unknown,false,0.9,200,90,`,
    );
    expect(lines[1]!.endsWith(',"{""note"":""has \\""quotes\\"", commas""}"')).toBe(true);
  });

  it('writes json as the same items GET /proxies returns', async () => {
    const res = await exportAs({ format: 'json', sort: 'latency' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const listed = await api.request.get('/proxies').query({ country: SMALL, sort: 'latency' }).set(user.auth);
    expect(res.body).toEqual(listed.body.items);
  });

  it('streams every row of a large set in order, across batches, once', async () => {
    const res = await api.request.get('/proxies/export').query({ country: LARGE, format: 'json' }).set(user.auth);
    expect(res.status).toBe(200);
    expect((res.body as Array<{ id: string }>).map((item) => item.id)).toEqual(
      expectedOrder(large, 'score', 'desc').map((row) => row.id),
    );
    const txt = await api.request.get('/proxies/export').query({ country: LARGE }).set(user.auth).buffer(true);
    expect(txt.text.split('\n').filter(Boolean)).toHaveLength(LARGE_ROWS);
  });

  it('answers 422 for a bad format, scheme or filter, before streaming anything', async () => {
    for (const [query, field] of [
      [{ format: 'xml' }, 'format'],
      [{ scheme: 'ftp' }, 'scheme'],
      [{ min_score: '2' }, 'min_score'],
    ] as const) {
      const res = await exportAs(query);
      expect(res.status).toBe(422);
      expect(res.body.error.details.fields[0].field).toBe(field);
    }
  });
});

describe('GET /proxies total_count cache', () => {
  it('caches counts of 1,000+ rows for PROXY_COUNT_CACHE_SECONDS; small counts stay exact', async () => {
    const cached = startTestApi({ PROXY_COUNT_CACHE_SECONDS: '60' });
    try {
      const count = async (country: string) =>
        (await cached.request.get('/proxies').query({ country, limit: 1 }).set(user.auth)).body.total_count as number;
      expect(await count(LARGE)).toBe(LARGE_ROWS);
      expect(await count(SMALL)).toBe(3);
      const extra = await insertProxies(api.ctx, [{ country: LARGE }, { country: SMALL }]);
      expect(await count(LARGE)).toBe(LARGE_ROWS);
      expect(await count(SMALL)).toBe(4);
      await api.ctx.db.proxy.deleteMany({ where: { id: { in: extra.map((row) => row.id) } } });
    } finally {
      await cached.close();
    }
  });
});
