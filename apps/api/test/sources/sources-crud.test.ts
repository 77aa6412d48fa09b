import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import type { Response } from 'supertest';
import { startSourcesApi, type SourcesTestApi } from './support.js';

const SPEC_FIELDS = [
  'id',
  'url',
  'parser_name',
  'cron_schedule',
  'default_protocol',
  'is_active',
  'last_scraped_at',
  'created_at',
];
const HEALTH_FIELDS = ['last_error', 'consecutive_failures', 'last_discovered', 'last_new', 'last_skipped'];

let api: SourcesTestApi;
let lists: SourceListServer;
let listUrl: string;

beforeAll(async () => {
  api = await startSourcesApi();
  lists = await sourceListServer({ routes: { '/list.txt': { body: '127.0.0.1:8080\n' } } });
  listUrl = lists.urlFor('/list.txt');
});
afterAll(async () => {
  await api?.close();
  await lists?.close();
});

const create = (body: Record<string, unknown>) => api.request.post('/sources').set(api.admin.auth).send(body);
let copies = 0;
/** A URL of the list no source has yet (a query the list server ignores): a URL is listed once. */
const freshUrl = () => `${listUrl}?copy=${++copies}`;
const validBody = (extra: Record<string, unknown> = {}) => ({
  url: freshUrl(),
  parser_name: 'plaintext',
  cron_schedule: '*/30 * * * *',
  ...extra,
});

describe('POST /sources', () => {
  it('creates a source (201) with defaults and schedules it', async () => {
    const body = validBody();
    const res = await create(body);
    expect(res.status).toBe(201);
    for (const field of [...SPEC_FIELDS, ...HEALTH_FIELDS]) expect(res.body).toHaveProperty(field);
    expect(res.body).toMatchObject({
      url: body.url,
      parser_name: 'plaintext',
      cron_schedule: '*/30 * * * *',
      default_protocol: 'http',
      is_active: true,
      last_scraped_at: null,
      consecutive_failures: 0,
      last_error: null,
    });
    expect(res.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await api.scheduler(res.body.id)).toMatchObject({
      pattern: '*/30 * * * *',
      template: { data: { source_id: res.body.id, trigger: 'schedule' } },
    });
  });

  it('never shows credentials inside a source URL', async () => {
    const res = await create(validBody({ url: listUrl.replace('http://', 'http://lister:hunter2@') }));
    expect(res.status).toBe(201);
    expect(res.body.url).toBe(listUrl.replace('http://', 'http://[REDACTED]@'));
    const listed = await api.request.get(`/sources/${res.body.id}`).set(api.user.auth);
    expect(JSON.stringify(listed.body)).not.toContain('hunter2');
    expect((await api.ctx.db.source.findUniqueOrThrow({ where: { id: res.body.id } })).url).toContain(
      'lister:hunter2@',
    );
  });

  it('needs the admin role to write and any key to read', async () => {
    expect((await api.request.post('/sources').set(api.user.auth).send(validBody())).status).toBe(403);
    expect((await api.request.post('/sources').send(validBody())).status).toBe(401);
    expect((await api.request.get('/sources').set(api.user.auth)).status).toBe(200);
    expect((await api.request.get('/sources')).status).toBe(401);
  });

  it.each([
    ['a non-http URL', { url: 'ftp://127.0.0.1/list.txt' }, 'url'],
    ['a malformed URL', { url: 'not a url' }, 'url'],
    ['an unknown protocol', { default_protocol: 'gopher' }, 'default_protocol'],
    ['an unknown parser', { parser_name: 'yaml' }, 'parser_name'],
    ['a cron line with 3 fields', { cron_schedule: '* * *' }, 'cron_schedule'],
    ['an unknown field', { colour: 'blue' }, '(body)'],
  ])('answers 422 for %s and writes nothing', async (_label, extra, field) => {
    const url = `${listUrl}?case=${encodeURIComponent(JSON.stringify(extra))}`;
    const res = await create(validBody({ url, ...extra }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.fields.map((problem: { field: string }) => problem.field)).toContain(field);
    expect(await api.ctx.db.source.count({ where: { url } })).toBe(0);
  });

  it("answers 422 with cron-parser's reason for an invalid cron value", async () => {
    const res = await create(validBody({ cron_schedule: '61 * * * *' }));
    expect(res.status).toBe(422);
    expect(res.body.error.details.fields).toEqual([{ field: 'cron_schedule', message: expect.stringContaining('61') }]);
  });
});

describe('GET /sources', () => {
  it('pages newest first with a cursor and filters by is_active', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create(validBody({ is_active: i !== 1 }))).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await api.request
        .get('/sources')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(api.user.auth);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      expect(res.body.total_count).toBeGreaterThanOrEqual(3);
      seen.push(...res.body.items.map((item: { id: string }) => item.id));
      cursor = res.body.next_cursor;
    } while (cursor !== null);
    expect(new Set(seen).size).toBe(seen.length);
    const mine = seen.filter((id) => ids.includes(id));
    expect(mine).toEqual([...ids].reverse());

    const inactive = await api.request.get('/sources').query({ is_active: 'false', limit: 200 }).set(api.user.auth);
    expect(inactive.body.items.every((item: { is_active: boolean }) => !item.is_active)).toBe(true);
    expect(inactive.body.items.map((item: { id: string }) => item.id)).toContain(ids[1]);
    expect(inactive.body.items.map((item: { id: string }) => item.id)).not.toContain(ids[0]);
    expect(await api.scheduler(ids[1]!)).toBeUndefined();
  });

  it('answers 400 for a bad cursor and 422 for a bad filter', async () => {
    expect((await api.request.get('/sources?cursor=%%%').set(api.user.auth)).body.error.code).toBe('INVALID_CURSOR');
    expect((await api.request.get('/sources?is_active=maybe').set(api.user.auth)).status).toBe(422);
  });
});

describe('PATCH /sources/{id}', () => {
  it('changes only the given fields and keeps the scheduler in step', async () => {
    const created = (await create(validBody({ default_protocol: 'socks5' }))).body;
    const res = await api.request
      .patch(`/sources/${created.id}`)
      .set(api.admin.auth)
      .send({ cron_schedule: '0 * * * *' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...created, cron_schedule: '0 * * * *', updated_at: expect.any(String) });
    expect((await api.scheduler(created.id))?.pattern).toBe('0 * * * *');

    const off = await api.request.patch(`/sources/${created.id}`).set(api.admin.auth).send({ is_active: false });
    expect(off.body).toMatchObject({ is_active: false, cron_schedule: '0 * * * *', default_protocol: 'socks5' });
    expect(await api.scheduler(created.id)).toBeUndefined();
    await api.request.patch(`/sources/${created.id}`).set(api.admin.auth).send({ is_active: true });
    expect((await api.scheduler(created.id))?.pattern).toBe('0 * * * *');
  });

  it('refuses bad values with 422 and changes nothing', async () => {
    const created = (await create(validBody())).body;
    const res = await api.request
      .patch(`/sources/${created.id}`)
      .set(api.admin.auth)
      .send({ cron_schedule: 'every day', parser_name: 'csv' });
    expect(res.status).toBe(422);
    const row = await api.ctx.db.source.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ cronSchedule: '*/30 * * * *', parserName: 'plaintext' });
  });

  it('answers 404 for an unknown or malformed id, 403 for a user', async () => {
    const created = (await create(validBody())).body;
    expect(
      (await api.request.patch(`/sources/${created.id}`).set(api.user.auth).send({ is_active: false })).status,
    ).toBe(403);
    expect(
      (await api.request.patch('/sources/6d1f4c3e-0000-4000-8000-000000000000').set(api.admin.auth).send({})).status,
    ).toBe(404);
    expect((await api.request.patch('/sources/nope').set(api.admin.auth).send({})).status).toBe(404);
  });
});

describe('DELETE /sources/{id}', () => {
  it('deletes the source and its scheduler (204) but keeps its proxies', async () => {
    const created = (await create(validBody())).body;
    const proxy = await api.ctx.db.proxy.create({ data: { ip: '127.9.9.9', port: 9999, protocol: 'http' } });
    await api.ctx.db.proxySource.create({ data: { proxyId: proxy.id, sourceId: created.id } });
    const res = await api.request.delete(`/sources/${created.id}`).set(api.admin.auth);
    expect(res.status).toBe(204);
    expect(await api.scheduler(created.id)).toBeUndefined();
    expect(await api.ctx.db.proxy.findUnique({ where: { id: proxy.id } })).not.toBeNull();
    expect((await api.request.delete(`/sources/${created.id}`).set(api.admin.auth)).status).toBe(404);
    expect((await api.request.get(`/sources/${created.id}`).set(api.user.auth)).status).toBe(404);
  });
});
