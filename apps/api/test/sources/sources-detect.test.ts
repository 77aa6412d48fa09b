import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { formatLists } from './formats.js';
import { startSourcesApi, type SourcesTestApi } from './support.js';

const LISTS = formatLists();
let api: SourcesTestApi;
let lists: SourceListServer;

beforeAll(async () => {
  api = await startSourcesApi();
  lists = await sourceListServer({
    routes: {
      ...Object.fromEntries(
        Object.entries(LISTS).map(([name, list]) => [`/${name}`, { body: list.body, contentType: list.contentType }]),
      ),
      '/prose.txt': { body: 'Hello, world.\nNothing to see here.\n' },
      '/gone.txt': { status: 404, body: 'not found' },
    },
  });
});
afterAll(async () => {
  await api?.close();
  await lists?.close();
});

const create = (url: string) =>
  api.request.post('/sources').set(api.admin.auth).send({ url, cron_schedule: '0 * * * *' });

describe('parser auto-detection', () => {
  it.each(Object.keys(LISTS))('detects %s when parser_name is omitted', async (name) => {
    const res = await create(lists.urlFor(`/${name}`));
    expect(res.status).toBe(201);
    expect(res.body.parser_name).toBe(name);
  });

  it('answers 422 NO_MATCHING_PARSER when no parser claims the sample, and writes nothing', async () => {
    const url = lists.urlFor('/prose.txt');
    const res = await create(url);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('NO_MATCHING_PARSER');
    expect(res.body.error.details.parsers).toEqual(['json', 'csv', 'html-table', 'plaintext']);
    expect(await api.ctx.db.source.count({ where: { url } })).toBe(0);
  });

  it('answers 422 NO_MATCHING_PARSER with the reason when the sample cannot be fetched', async () => {
    const res = await create(lists.urlFor('/gone.txt'));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'NO_MATCHING_PARSER', details: { reason: 'HTTP 404' } });
  });

  it('does not fetch anything when parser_name is given', async () => {
    const before = lists.stats.hits['/gone.txt'] ?? 0;
    const res = await api.request
      .post('/sources')
      .set(api.admin.auth)
      .send({ url: lists.urlFor('/gone.txt'), parser_name: 'plaintext', cron_schedule: '0 * * * *' });
    expect(res.status).toBe(201);
    expect(lists.stats.hits['/gone.txt']).toBe(before);
  });
});

describe('SSRF-safe source URLs', () => {
  let strict: SourcesTestApi;
  beforeAll(async () => {
    strict = await startSourcesApi({ ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it.each([
    ['loopback', () => lists.urlFor('/plaintext')],
    ['localhost', () => `http://localhost:${lists.port}/plaintext`],
    ['link-local metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['private', () => 'http://10.1.2.3/list.txt'],
  ])('refuses a %s URL with 422 UNSAFE_URL and a reason', async (_label, url) => {
    const hits = lists.stats.hits['/plaintext'] ?? 0;
    const res = await strict.request
      .post('/sources')
      .set(strict.admin.auth)
      .send({ url: url(), cron_schedule: '0 * * * *' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('UNSAFE_URL');
    expect(res.body.error.details.reason).toMatch(/private/);
    expect(lists.stats.hits['/plaintext'] ?? 0).toBe(hits);
  });

  it('refuses a PATCH to an unsafe URL and keeps the old one', async () => {
    const source = await strict.ctx.db.source.create({
      data: { url: 'http://list.invalid/a.txt', parserName: 'plaintext', cronSchedule: '0 * * * *' },
    });
    const res = await strict.request
      .patch(`/sources/${source.id}`)
      .set(strict.admin.auth)
      .send({ url: 'http://127.0.0.1/x' });
    expect(res.status).toBe(422);
    expect((await strict.ctx.db.source.findUniqueOrThrow({ where: { id: source.id } })).url).toBe(
      'http://list.invalid/a.txt',
    );
  });
});
