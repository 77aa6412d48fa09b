import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { queryFixture } from './query-fixture.js';
import { expectedOrder, insertProxies, minutesAgo, type SeedProxy, type SeededProxy, type SortField } from './seed.js';

// This file's rows are the only ones in its own database: unchecked proxies (never measured, so without a
// country) could not be told apart from other tests' in a shared one.
const HOME = 'XA';
const OTHER = 'XB';

let database: PrivateDatabase;
let api: TestApi;
let user: TestUser;
let rows: SeededProxy[];

beforeAll(async () => {
  database = await privateDatabase();
  api = startTestApi({ DATABASE_URL: database.url, PROXY_COUNT_CACHE_SECONDS: '0' });
  user = await createTestUser(api.ctx);
  const home = queryFixture();
  const others: SeedProxy[] = [{ country: OTHER }, { country: OTHER, status: 'dead', score: 0 }];
  rows = await insertProxies(api.ctx, [
    ...home.map((row) => (row.status === 'unchecked' ? row : { ...row, country: HOME })),
    ...others,
  ]);
});

afterAll(async () => {
  await api.close();
  await database.drop();
});

async function list(query: Record<string, string | number>) {
  const res = await api.request
    .get('/proxies')
    .query({ limit: 200, ...query })
    .set(user.auth);
  expect(res.status).toBe(200);
  return res.body as {
    items: Array<{ id: string } & Record<string, unknown>>;
    next_cursor: string | null;
    total_count: number;
  };
}

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);
const sortedIds = (subset: SeededProxy[]) => subset.map((row) => row.id).sort();

describe('GET /proxies items', () => {
  it('renders each proxy exactly in the spec shape', async () => {
    const row = rows[3]!;
    const body = await list({ protocol: 'socks5', status: 'active' });
    expect(body.items).toEqual([
      {
        id: row.id,
        ip: row.ip,
        port: row.port,
        protocol: 'socks5',
        status: 'active',
        anonymity: 'elite',
        exit_ip: '203.0.113.42',
        country: HOME,
        asn: null,
        as_org: null,
        ip_type: 'unknown',
        mitm: false,
        score: 0.87,
        avg_latency_ms: 245.3,
        uptime_pct: 94.2,
        last_checked_at: row.lastCheckedAt!.toISOString(),
        first_seen_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        tags: { provider: 'datacenter' },
      },
    ]);
    expect(body).toEqual({ items: body.items, next_cursor: null, total_count: 1 });
  });

  it('needs an API key', async () => {
    const res = await api.request.get('/proxies');
    expect(res.status).toBe(401);
  });
});

describe('GET /proxies filters', () => {
  const cases: Array<[string, Record<string, string>, (row: SeededProxy) => boolean]> = [
    ['status', { status: 'dead' }, (r) => r.status === 'dead'],
    ['protocol', { protocol: 'https' }, (r) => r.protocol === 'https'],
    ['anonymity', { anonymity: 'elite' }, (r) => r.anonymity === 'elite'],
    ['min_score (inclusive, as rendered)', { min_score: '0.87' }, (r) => r.score >= 0.87],
    [
      'max_latency_ms (inclusive; NULL never matches)',
      { max_latency_ms: '245.3' },
      (r) => r.avgLatencyMs !== null && r.avgLatencyMs <= 245.3,
    ],
    ['min_uptime_pct (inclusive, as rendered)', { min_uptime_pct: '94.2' }, (r) => r.uptimeRatio * 100 >= 94.19],
    [
      'verified_within_minutes',
      { verified_within_minutes: '10' },
      (r) => r.lastCheckedAt !== null && r.lastCheckedAt > minutesAgo(10),
    ],
    [
      'several at once',
      { status: 'active', protocol: 'http', min_score: '0.5' },
      (r) => r.status === 'active' && r.protocol === 'http',
    ],
  ];

  it.each(cases)('%s', async (_name, query, predicate) => {
    const expected = rows.filter(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(rows.length);
    const body = await list(query);
    expect(ids(body.items).sort()).toEqual(sortedIds(expected));
    expect(body.total_count).toBe(expected.length);
  });

  it('filters by country, case-insensitively; unchecked proxies (never located) match no country', async () => {
    const body = await list({ country: OTHER.toLowerCase() });
    expect(body.items.map((item) => item.country)).toEqual([OTHER, OTHER]);
    const home = await list({ country: HOME, sort: 'uptime', order: 'asc' });
    expect(ids(home.items).sort()).toEqual(sortedIds(rows.filter((row) => row.country === HOME)));
    expect(home.items.some((item) => item.status === 'unchecked')).toBe(false);
    expect((await list({})).total_count).toBe(rows.length);
  });
});

describe('GET /proxies sorting', () => {
  const sorts: Array<[SortField, 'asc' | 'desc']> = [
    ['score', 'desc'],
    ['score', 'asc'],
    ['latency', 'asc'],
    ['latency', 'desc'],
    ['uptime', 'desc'],
    ['uptime', 'asc'],
    ['last_checked', 'desc'],
    ['last_checked', 'asc'],
  ];

  it.each(sorts)('sort=%s order=%s: NULLs last, ties broken by id', async (sort, order) => {
    const body = await list({ sort, order });
    expect(ids(body.items)).toEqual(expectedOrder(rows, sort, order).map((row) => row.id));
  });

  it.each(sorts)('sort=%s order=%s walks the same order three rows at a time', async (sort, order) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const body: Awaited<ReturnType<typeof list>> = await list({
        sort,
        order,
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...ids(body.items));
      expect(body.total_count).toBe(rows.length);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(expectedOrder(rows, sort, order).map((row) => row.id));
  });

  it('defaults: score desc, latency asc, uptime desc, last_checked desc', async () => {
    const defaults: Array<[SortField | undefined, SortField, 'asc' | 'desc']> = [
      [undefined, 'score', 'desc'],
      ['latency', 'latency', 'asc'],
      ['uptime', 'uptime', 'desc'],
      ['last_checked', 'last_checked', 'desc'],
    ];
    for (const [given, sort, order] of defaults) {
      const body = await list(given ? { sort: given } : {});
      expect(ids(body.items)).toEqual(expectedOrder(rows, sort, order).map((row) => row.id));
    }
  });
});

describe('GET /proxies validation', () => {
  const bad: Array<[string, Record<string, string>]> = [
    ['status', { status: 'alive' }],
    ['protocol', { protocol: 'ftp' }],
    ['anonymity', { anonymity: 'secret' }],
    ['country', { country: 'USA' }],
    ['min_score', { min_score: '1.5' }],
    ['min_score', { min_score: '-0.1' }],
    ['min_score', { min_score: 'high' }],
    ['max_latency_ms', { max_latency_ms: '-1' }],
    ['max_latency_ms', { max_latency_ms: '' }],
    ['min_uptime_pct', { min_uptime_pct: '101' }],
    ['verified_within_minutes', { verified_within_minutes: '-5' }],
    ['verified_within_minutes', { verified_within_minutes: '2.5' }],
    ['sort', { sort: 'name' }],
    ['order', { order: 'up' }],
    ['limit', { limit: '0' }],
    ['limit', { limit: '201' }],
    ['limit', { limit: 'ten' }],
  ];

  it.each(bad)('answers 422 naming %s', async (field, query) => {
    const res = await api.request.get('/proxies').query(query).set(user.auth);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
  });

  it('refuses a repeated parameter with 422', async () => {
    const res = await api.request.get('/proxies?status=active&status=dead').set(user.auth);
    expect(res.status).toBe(422);
    expect(res.body.error.details.fields[0].field).toBe('status');
  });

  it('refuses a cursor reused with another sort or order, and a forged one, with 400 INVALID_CURSOR', async () => {
    const first = await list({ sort: 'latency', limit: 2 });
    const cursor = first.next_cursor!;
    expect(cursor).toEqual(expect.any(String));
    for (const query of [{ sort: 'score' }, { sort: 'latency', order: 'desc' }, { sort: 'uptime' }]) {
      const res = await api.request
        .get('/proxies')
        .query({ ...query, cursor })
        .set(user.auth);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_CURSOR');
    }
    const forged = Buffer.from(
      JSON.stringify({ s: 'latency', o: 'asc', v: '1); DROP TABLE proxies; --', id: rows[0]!.id }),
    ).toString('base64url');
    for (const bad of [forged, 'not a cursor', 'eyJ4Ijox']) {
      const res = await api.request.get('/proxies').query({ sort: 'latency', cursor: bad }).set(user.auth);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_CURSOR');
    }
    const next = await list({ sort: 'latency', limit: 2, cursor });
    expect(ids(next.items)).toEqual(
      expectedOrder(rows, 'latency', 'asc')
        .slice(2, 4)
        .map((row) => row.id),
    );
  });
});
