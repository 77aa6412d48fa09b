import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { startSourcesApi, type SourcesTestApi } from './support.js';

let api: SourcesTestApi;
let lists: SourceListServer;

beforeAll(async () => {
  api = await startSourcesApi();
  const list = { body: '127.0.0.1:8080\n' };
  lists = await sourceListServer({
    routes: {
      '/race.txt': list,
      '/spelled.txt': list,
      '/taken.txt': list,
      '/mine.txt': list,
      '/again.txt': list,
      '/socks5.txt': list,
      '/lists/socks4/': list,
      '/proxies.txt': list,
      '/https.txt': list,
      '/paid.txt': list,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await lists?.close();
});

const post = (body: Record<string, unknown>) =>
  api.request
    .post('/sources')
    .set(api.admin.auth)
    .send({ parser_name: 'plaintext', cron_schedule: '0 0 1 1 *', ...body });

describe('one source per URL', () => {
  it('answers two concurrent POSTs of one URL with one 201 and one 409 SOURCE_EXISTS, and stores one source', async () => {
    const url = lists.urlFor('/race.txt');
    const answers = await Promise.all([post({ url }), post({ url }), post({ url })]);
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const created = answers.find((res) => res.status === 201)!.body;
    for (const refused of answers.filter((res) => res.status === 409)) {
      expect(refused.body.error).toEqual({
        code: 'SOURCE_EXISTS',
        message: 'A source with this URL exists already.',
        details: { field: 'url', url, source_id: created.id },
      });
    }
    expect(await api.ctx.db.source.count({ where: { url } })).toBe(1);
    // The refused creates left no scheduler behind: every scheduler belongs to a stored source.
    const keys = (await api.ctx.queues.scrape.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key);
    expect(keys).toContain(`source:${created.id}`);
    const ids = keys.map((key) => key.slice('source:'.length));
    expect(await api.ctx.db.source.count({ where: { id: { in: ids } } })).toBe(ids.length);
  });

  it('refuses a known URL before fetching a sample for auto-detection', async () => {
    const url = `${lists.urlFor('/race.txt')}?detect`;
    const create = () => api.request.post('/sources').set(api.admin.auth).send({ url, cron_schedule: '0 0 1 1 *' });
    expect((await create()).status).toBe(201);
    const fetched = lists.stats.hits['/race.txt'];
    expect((await create()).status).toBe(409);
    expect(lists.stats.hits['/race.txt']).toBe(fetched);
  });

  it('compares URLs as the WHATWG parser normalises them: scheme case, dot segments, fragment', async () => {
    const url = lists.urlFor('/spelled.txt');
    const created = await post({ url });
    expect(created.status).toBe(201);
    const [scheme, rest] = url.split('://') as [string, string];
    for (const spelling of [
      `${scheme.toUpperCase()}://${rest}`,
      url.replace('/spelled.txt', '/x/../spelled.txt'),
      `${url}#top`,
    ]) {
      const res = await post({ url: spelling });
      expect({ spelling, status: res.status, code: res.body.error?.code }).toEqual({
        spelling,
        status: 409,
        code: 'SOURCE_EXISTS',
      });
    }
    expect((await post({ url: `${url}?page=2` })).status).toBe(201);
  });

  it('stores the normalised URL, which is what an admin reads back', async () => {
    const url = lists.urlFor('/x/../mine.txt#section');
    const res = await post({ url });
    expect(res.status).toBe(201);
    expect(res.body.url).toBe(lists.urlFor('/mine.txt'));
  });

  it('answers 409 to a PATCH onto another source’s URL and changes nothing', async () => {
    const taken = (await post({ url: lists.urlFor('/taken.txt') })).body;
    const mine = (await post({ url: lists.urlFor('/taken.txt?mine') })).body;
    const res = await api.request
      .patch(`/sources/${mine.id}`)
      .set(api.admin.auth)
      .send({ url: `${lists.urlFor('/taken.txt')}#again`, cron_schedule: '0 * * * *' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'SOURCE_EXISTS', details: { source_id: taken.id } });
    expect(await api.ctx.db.source.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({
      url: lists.urlFor('/taken.txt?mine'),
      cronSchedule: '0 0 1 1 *',
    });
  });

  it('takes a URL again once its source is deleted', async () => {
    const url = lists.urlFor('/again.txt');
    const first = (await post({ url })).body;
    expect((await api.request.delete(`/sources/${first.id}`).set(api.admin.auth)).status).toBe(204);
    expect((await post({ url })).status).toBe(201);
  });
});

describe('default_protocol from the URL path', () => {
  it.each([
    ['/socks5.txt', 'socks5'],
    ['/lists/socks4/', 'socks4'],
    ['/https.txt', 'https'],
    ['/proxies.txt', 'http'],
  ])('a source at %s without default_protocol gets %s', async (path, protocol) => {
    const res = await post({ url: lists.urlFor(path) });
    expect(res.status).toBe(201);
    expect(res.body.default_protocol).toBe(protocol);
    expect((await api.ctx.db.source.findUniqueOrThrow({ where: { id: res.body.id } })).defaultProtocol).toBe(protocol);
  });

  it('keeps a default_protocol given explicitly, whatever the path says', async () => {
    const res = await post({ url: `${lists.urlFor('/socks5.txt')}?explicit`, default_protocol: 'http' });
    expect(res.body.default_protocol).toBe('http');
  });

  it('applies to auto-detected sources too', async () => {
    const res = await api.request
      .post('/sources')
      .set(api.admin.auth)
      .send({ url: `${lists.urlFor('/socks5.txt')}?detected`, cron_schedule: '0 0 1 1 *' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ parser_name: 'plaintext', default_protocol: 'socks5' });
  });
});

describe('who sees a source URL whole', () => {
  const secretUrl = () =>
    `${lists.urlFor('/paid.txt').replace('http://', 'http://lister:hunter2@')}?token=s3cr3t-token&fmt=txt#part`;

  it('shows admins the query string (credentials masked) and others scheme, host and path only', async () => {
    const created = await post({ url: secretUrl() });
    expect(created.status).toBe(201);
    const plain = lists.urlFor('/paid.txt');
    const forAdmin = `${plain.replace('http://', 'http://[REDACTED]@')}?token=s3cr3t-token&fmt=txt`;
    expect(created.body.url).toBe(forAdmin);

    const adminDetail = await api.request.get(`/sources/${created.body.id}`).set(api.admin.auth);
    const adminList = await api.request.get('/sources').query({ limit: 200 }).set(api.admin.auth);
    expect(adminDetail.body.url).toBe(forAdmin);
    expect(adminList.body.items.find((item: { id: string }) => item.id === created.body.id).url).toBe(forAdmin);
    const patched = await api.request
      .patch(`/sources/${created.body.id}`)
      .set(api.admin.auth)
      .send({ cron_schedule: '0 * * * *' });
    expect(patched.body.url).toBe(forAdmin);

    const userDetail = await api.request.get(`/sources/${created.body.id}`).set(api.user.auth);
    const userList = await api.request.get('/sources').query({ limit: 200 }).set(api.user.auth);
    expect(userDetail.body.url).toBe(plain);
    expect(userList.body.items.find((item: { id: string }) => item.id === created.body.id).url).toBe(plain);
    for (const answer of [userDetail, userList]) {
      const text = JSON.stringify(answer.body);
      for (const secret of ['s3cr3t-token', 'fmt=txt', 'lister', 'hunter2', '#part', 'REDACTED'])
        expect(text).not.toContain(secret);
    }
    const again = await post({ url: secretUrl() });
    expect(again.status).toBe(409);
    expect(again.body.error.details.url).toBe(forAdmin);
    for (const answer of [created, adminDetail, adminList, patched, again])
      expect(JSON.stringify(answer.body)).not.toContain('hunter2');
  });
});
