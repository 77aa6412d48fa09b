import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildOpenApiDocument } from '../../src/openapi/document.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

let api: TestApi;
let admin: TestUser;
let user: TestUser;
const run = randomUUID().slice(0, 8);
let names = 0;
/** The test database is shared: names are unique per run. */
const freshName = () => `crud-${run}-${++names}`;

beforeAll(async () => {
  api = startTestApi();
  [admin, user] = await Promise.all([createTestUser(api.ctx, { role: 'admin' }), createTestUser(api.ctx)]);
});
afterAll(async () => {
  await api?.ctx.db.siteCheck.deleteMany({ where: { name: { startsWith: `crud-${run}-` } } });
  await api?.close();
});

const create = (body: Record<string, unknown>, who: TestUser = admin) =>
  api.request.post('/site-checks').set(who.auth).send(body);

describe('POST /site-checks', () => {
  it('creates a check with defaults (201), shown to any key with its window figures', async () => {
    const name = freshName();
    const res = await create({ name, url: 'http://127.0.0.1:9/page', body_substring: 'Welcome' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name,
      url: 'http://127.0.0.1:9/page',
      expected_status: 200,
      body_substring: 'Welcome',
      body_regex: null,
      interval_seconds: 600,
      sample_size: 50,
      is_active: true,
      last_run_at: null,
      window_seconds: 1200,
      proxies_checked: 0,
      proxies_passing: 0,
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const one = await api.request.get(`/site-checks/${res.body.id}`).set(user.auth);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(res.body);
    const list = await api.request.get('/site-checks?limit=200').set(user.auth);
    expect(list.status).toBe(200);
    expect(list.body.items.find((item: { id: string }) => item.id === res.body.id)).toEqual(res.body);
  });

  it('refuses a second check with the same name with 409 naming the first', async () => {
    const name = freshName();
    const first = await create({ name, url: 'http://127.0.0.1:9/a' });
    const second = await create({ name, url: 'http://127.0.0.1:9/b' });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'SITE_CHECK_EXISTS',
      details: { field: 'name', site_check_id: first.body.id },
    });
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => create({ name: `${name}-c`, url: 'http://127.0.0.1:9/' })),
    );
    expect(concurrent.map((res) => res.status).sort()).toEqual([201, 409, 409]);
  });

  it('refuses invalid fields with 422 naming each, storing nothing', async () => {
    const before = await api.ctx.db.siteCheck.count();
    const url = 'http://127.0.0.1:9/';
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url }, 'name'],
      [{ name: 'Upper', url }, 'name'],
      [{ name: '-dash-first', url }, 'name'],
      [{ name: 'x'.repeat(64), url }, 'name'],
      [{ name: freshName() }, 'url'],
      [{ name: freshName(), url: 'ftp://127.0.0.1/' }, 'url'],
      [{ name: freshName(), url, expected_status: 99 }, 'expected_status'],
      [{ name: freshName(), url, expected_status: 200.5 }, 'expected_status'],
      [{ name: freshName(), url, interval_seconds: 59 }, 'interval_seconds'],
      [{ name: freshName(), url, interval_seconds: 86_401 }, 'interval_seconds'],
      [{ name: freshName(), url, sample_size: 0 }, 'sample_size'],
      [{ name: freshName(), url, sample_size: 1001 }, 'sample_size'],
      [{ name: freshName(), url, body_regex: '(unclosed' }, 'body_regex'],
      [{ name: freshName(), url, body_regex: 'a'.repeat(501) }, 'body_regex'],
      [{ name: freshName(), url, body_substring: '' }, 'body_substring'],
      [{ name: freshName(), url, is_active: 'yes' }, 'is_active'],
      [{ name: freshName(), url, extra: 1 }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 422,
        code: 'VALIDATION_ERROR',
      });
      expect(res.body.error.details.fields.map((problem: { field: string }) => problem.field)).toContain(field);
    }
    expect(await api.ctx.db.siteCheck.count()).toBe(before);
  });

  it('needs the admin role to write (403) and a key to read (401)', async () => {
    const res = await create({ name: freshName(), url: 'http://127.0.0.1:9/' }, user);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const made = await create({ name: freshName(), url: 'http://127.0.0.1:9/' });
    const patch = await api.request.patch(`/site-checks/${made.body.id}`).set(user.auth).send({ sample_size: 5 });
    expect(patch.status).toBe(403);
    const del = await api.request.delete(`/site-checks/${made.body.id}`).set(user.auth);
    expect(del.status).toBe(403);
    expect((await api.request.get('/site-checks')).status).toBe(401);
    expect((await api.request.get(`/site-checks/${made.body.id}`).set(user.auth)).body.sample_size).toBe(50);
  });
});

describe('PATCH and DELETE /site-checks/{id}', () => {
  it('changes only the given fields, clears an assertion with null, and refuses a taken name', async () => {
    const made = await create({ name: freshName(), url: 'http://127.0.0.1:9/', body_regex: 'Wel+come' });
    const other = await create({ name: freshName(), url: 'http://127.0.0.1:9/' });
    const res = await api.request
      .patch(`/site-checks/${made.body.id}`)
      .set(admin.auth)
      .send({ interval_seconds: 60, body_regex: null, is_active: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: made.body.name,
      interval_seconds: 60,
      window_seconds: 120,
      body_regex: null,
      is_active: false,
      sample_size: 50,
    });
    const taken = await api.request
      .patch(`/site-checks/${made.body.id}`)
      .set(admin.auth)
      .send({ name: other.body.name });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('SITE_CHECK_EXISTS');
    const bad = await api.request.patch(`/site-checks/${made.body.id}`).set(admin.auth).send({ sample_size: 0 });
    expect(bad.status).toBe(422);
    expect((await api.request.get(`/site-checks/${made.body.id}`).set(user.auth)).body.sample_size).toBe(50);
  });

  it('deletes (204), then 404 in the envelope; malformed ids are 404 too', async () => {
    const made = await create({ name: freshName(), url: 'http://127.0.0.1:9/' });
    expect((await api.request.delete(`/site-checks/${made.body.id}`).set(admin.auth)).status).toBe(204);
    for (const id of [made.body.id, 'not-a-uuid']) {
      const res = await api.request.get(`/site-checks/${id}`).set(user.auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Site check not found.', details: {} } });
      expect((await api.request.delete(`/site-checks/${id}`).set(admin.auth)).status).toBe(404);
      expect((await api.request.patch(`/site-checks/${id}`).set(admin.auth).send({})).status).toBe(404);
    }
  });
});

describe('site check URLs with private targets refused (production setting)', () => {
  let strict: TestApi;
  let strictAdmin: TestUser;
  beforeAll(async () => {
    strict = startTestApi({ ALLOW_PRIVATE_TARGETS: 'false' });
    strictAdmin = await createTestUser(strict.ctx, { role: 'admin' });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('refuses loopback, private and metadata URLs with 422 UNSAFE_URL, on create and on patch', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://10.1.2.3/', 'http://169.254.169.254/']) {
      const res = await strict.request.post('/site-checks').set(strictAdmin.auth).send({ name: freshName(), url });
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 422, code: 'UNSAFE_URL' });
    }
    const row = await strict.ctx.db.siteCheck.create({ data: { name: freshName(), url: 'http://93.184.215.14/' } });
    const res = await strict.request
      .patch(`/site-checks/${row.id}`)
      .set(strictAdmin.auth)
      .send({ url: 'http://[::1]/' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('UNSAFE_URL');
    expect((await strict.ctx.db.siteCheck.findUnique({ where: { id: row.id } }))?.url).toBe('http://93.184.215.14/');
  });
});

describe('OpenAPI document', () => {
  it('documents the site-check operations, their errors and works_for on the pool endpoints', () => {
    const { paths } = buildOpenApiDocument(api.ctx.version) as unknown as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, unknown>; parameters?: Array<{ name: string }> }>
      >;
    };
    expect(Object.keys(paths['/site-checks'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/site-checks/{site_check_id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(paths['/site-checks']!.post!.responses).sort()).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '422']),
    );
    for (const path of ['/proxies', '/proxies/export']) {
      expect(paths[path]!.get!.parameters?.map((parameter) => parameter.name)).toContain('works_for');
      expect(Object.keys(paths[path]!.get!.responses)).toContain('400');
    }
  });
});
