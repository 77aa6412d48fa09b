import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { ids, insertProxies, listProxies, type SeedProxy, type SeededProxy } from './seed.js';

// A database of its own: ip_type=unknown matches every proxy nobody has looked up, other files' included.
let database: PrivateDatabase;
let api: TestApi;
let user: TestUser;
let aws: SeededProxy;
let awsSpare: SeededProxy;
let home: SeededProxy;
let unlooked: SeededProxy;
let unchecked: SeededProxy;

/** What the checker's exit_network stage writes (set directly here: the checker's own test runs the stage). */
async function withExitNetwork(proxy: SeededProxy, asn: number, asOrg: string, ipType: string, tags = {}) {
  await api.ctx.db.$executeRaw`UPDATE proxies SET asn = ${asn}, as_org = ${asOrg}, ip_type = ${ipType}::"IpType",
    tags = tags || ${JSON.stringify(tags)}::jsonb WHERE id = ${proxy.id}::uuid`;
}

beforeAll(async () => {
  database = await privateDatabase();
  api = startTestApi({ DATABASE_URL: database.url, PROXY_COUNT_CACHE_SECONDS: '0' });
  user = await createTestUser(api.ctx, { credits: 10 });
  const rows: SeedProxy[] = [
    { score: 0.9, country: 'DE' },
    { score: 0.6, country: 'DE' },
    { score: 0.8, country: 'FR' },
    { score: 0.7 },
    { status: 'unchecked' },
  ];
  [aws, awsSpare, home, unlooked, unchecked] = (await insertProxies(api.ctx, rows)) as [
    SeededProxy,
    SeededProxy,
    SeededProxy,
    SeededProxy,
    SeededProxy,
  ];
  await withExitNetwork(aws, 16509, 'Amazon.com, Inc.', 'hosting', {
    country: 'US',
    country_mismatch: { source: 'US', exit: 'DE' },
  });
  await withExitNetwork(awsSpare, 16509, 'Amazon.com, Inc.', 'hosting');
  await withExitNetwork(home, 3215, 'Orange S.A.', 'residential_or_business');
});

afterAll(async () => {
  await api?.close();
  await database?.drop();
});

const list = (query: Record<string, string>) => listProxies(api, user, query);

describe('asn and ip_type on GET /proxies', () => {
  it('shows asn, as_org and ip_type on every item, and the country mismatch tag', async () => {
    const body = await list({ sort: 'score' });
    expect(body.items.find((item) => item.id === aws.id)).toMatchObject({
      country: 'DE',
      asn: 16509,
      as_org: 'Amazon.com, Inc.',
      ip_type: 'hosting',
      tags: { country: 'US', country_mismatch: { source: 'US', exit: 'DE' } },
    });
    expect(body.items.find((item) => item.id === unlooked.id)).toMatchObject({
      asn: null,
      as_org: null,
      ip_type: 'unknown',
    });
    const detail = await api.request.get(`/proxies/${home.id}`).set(user.auth);
    expect(detail.body.proxy).toMatchObject({ asn: 3215, as_org: 'Orange S.A.', ip_type: 'residential_or_business' });
  });

  it('filters on asn and on each ip_type, alone and with other filters', async () => {
    expect(ids((await list({ asn: '16509' })).items)).toEqual([aws.id, awsSpare.id]);
    expect(ids((await list({ asn: '16509', sort: 'score', order: 'asc' })).items)).toEqual([awsSpare.id, aws.id]);
    expect(ids((await list({ asn: '16509', min_score: '0.8' })).items)).toEqual([aws.id]);
    expect((await list({ asn: '64512' })).total_count).toBe(0);
    expect(ids((await list({ ip_type: 'hosting' })).items)).toEqual([aws.id, awsSpare.id]);
    expect(ids((await list({ ip_type: 'residential_or_business' })).items)).toEqual([home.id]);
    const unknown = await list({ ip_type: 'unknown' });
    expect(ids(unknown.items).sort()).toEqual([unlooked.id, unchecked.id].sort());
    expect(unknown.total_count).toBe(2);
    expect(ids((await list({ ip_type: 'unknown', status: 'active' })).items)).toEqual([unlooked.id]);
  });

  it.each([
    ['asn', { asn: 'AS16509' }],
    ['asn', { asn: '0' }],
    ['asn', { asn: '4294967296' }],
    ['asn', { asn: '1.5' }],
    ['ip_type', { ip_type: 'datacenter' }],
  ])('refuses a bad %s with 422 VALIDATION_ERROR', async (field, query) => {
    const res = await api.request.get('/proxies').query(query).set(user.auth);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
  });
});

describe('asn and ip_type on GET /proxies/export', () => {
  it('filters the export and lists the columns in csv', async () => {
    const txt = await api.request.get('/proxies/export').query({ ip_type: 'hosting', scheme: 'none' }).set(user.auth);
    expect(txt.text).toBe(`${aws.ip}:${aws.port}\n${awsSpare.ip}:${awsSpare.port}\n`);
    const csv = await api.request.get('/proxies/export').query({ asn: '3215', format: 'csv' }).set(user.auth);
    const [header, line, ...rest] = csv.text.trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(columns.indexOf('country'), columns.indexOf('country') + 4)).toEqual([
      'country',
      'asn',
      'as_org',
      'ip_type',
    ]);
    expect(line).toContain(`,FR,3215,Orange S.A.,residential_or_business,`);
    expect(rest).toEqual([]);
    const json = await api.request.get('/proxies/export').query({ asn: '16509', format: 'json' }).set(user.auth);
    expect(json.body).toEqual((await list({ asn: '16509' })).items);
  });

  it('refuses a bad filter with 422 and exports nothing', async () => {
    const res = await api.request.get('/proxies/export').query({ ip_type: 'cloud' }).set(user.auth);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('asn and ip_type on POST /proxies/acquire', () => {
  const acquire = (body: Record<string, unknown>) => api.request.post('/proxies/acquire').set(user.auth).send(body);

  it('leases only proxies of the asked AS or ip_type, best first', async () => {
    const first = await acquire({ ip_type: 'hosting' });
    expect(first.status).toBe(200);
    expect(first.body.proxy).toMatchObject({ ip: aws.ip, port: aws.port });
    const second = await acquire({ asn: 16509 });
    expect(second.body.proxy).toMatchObject({ ip: awsSpare.ip, port: awsSpare.port });
    const busy = await acquire({ asn: 16509 });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('ALL_PROXIES_LEASED');
    const homeLease = await acquire({ ip_type: 'residential_or_business', country: 'fr' });
    expect(homeLease.body.proxy).toMatchObject({ ip: home.ip, port: home.port });
    const none = await acquire({ asn: 64512 });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NO_MATCHING_PROXY');
  });

  it('refuses a bad asn or ip_type with 422, charging nothing', async () => {
    const before = (await api.ctx.db.user.findUniqueOrThrow({ where: { id: user.userId } })).creditBalance;
    for (const body of [{ asn: '16509' }, { asn: -1 }, { ip_type: 'datacenter' }]) {
      const res = await acquire(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await api.ctx.db.user.findUniqueOrThrow({ where: { id: user.userId } })).creditBalance).toBe(before);
  });
});
