import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createDatabase, type Database } from '@proxy-pool/db';
import {
  blackHole,
  cannedPage,
  deadPort,
  forwardProxy,
  socks4Server,
  socks5Server,
  sourceListServer,
  privateDatabase,
  type PrivateDatabase,
} from '@proxy-pool/test-kit';
import type { ServerHandle, SourceListServer } from '@proxy-pool/test-kit';
import {
  baseEnv,
  clearQueuePrefix,
  createAdmin,
  eventually,
  freePort,
  readLog,
  startChild,
  stopChild,
  type Child,
} from './support/processes.js';

jest.setTimeout(150_000);

// 300 proxies: 40 of each working kind (240) plus 30 dead ports and 30 black holes.
const PER_KIND = 40;
const FAILING_EACH = 30;
const SOCKS_PASSWORD = `sp-${randomUUID()}`;
type Expect = { protocol: string; status: 'active' | 'failed'; anonymity?: string; exitIp?: string };
/** What each listed proxy must become, by `ip:port`. */
const expected = new Map<string, Expect>();
const at = (ip: string, port: number) => `${ip}:${port}`;
const servers: Array<{ close: () => Promise<void> }> = [];
const children: Child[] = [];
let lists: SourceListServer;
let target: ServerHandle;
let db: Database;
let apiUrl = '';
let adminKey = '';
let userKey = '';
let userId = '';
const env = baseEnv();
export const PIPELINE_SECRETS = { SOCKS_PASSWORD };

async function api(method: string, path: string, key?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

let database: PrivateDatabase;

beforeAll(async () => {
  // Its own database: the scraper's due sweep claims every due proxy, and the URL test picks the best active
  // ones, so this run must neither touch nor see other tests' proxies.
  database = await privateDatabase();
  env.DATABASE_URL = database.url;
  db = createDatabase({ url: database.url });
  target = await cannedPage({ body: 'hello through the proxy' });
  servers.push(target);
  const lines: Array<{ scheme: string; host: string; port: number; auth?: string }> = [];
  let n = 10;
  for (const kind of ['elite', 'anonymous', 'transparent'] as const) {
    for (let i = 0; i < PER_KIND; i += 1) {
      const exit = `127.0.${n}.${i + 2}`;
      const proxy = await forwardProxy({ kind, exitAddress: exit });
      servers.push(proxy);
      lines.push({ scheme: 'http', host: proxy.host, port: proxy.port });
      expected.set(at(proxy.host, proxy.port), { protocol: 'http', status: 'active', anonymity: kind, exitIp: exit });
    }
    n += 1;
  }
  for (let i = 0; i < PER_KIND; i += 1) {
    const exit = `127.0.20.${i + 2}`;
    const proxy = await forwardProxy({ kind: 'elite', exitAddress: exit });
    servers.push(proxy);
    lines.push({ scheme: 'https', host: proxy.host, port: proxy.port });
    expected.set(at(proxy.host, proxy.port), { protocol: 'https', status: 'active', exitIp: exit });
  }
  for (let i = 0; i < PER_KIND; i += 1) {
    const exit = `127.0.21.${i + 2}`;
    const proxy = await socks4Server({ exitAddress: exit });
    servers.push(proxy);
    lines.push({ scheme: 'socks4', host: proxy.host, port: proxy.port });
    expected.set(at(proxy.host, proxy.port), { protocol: 'socks4', status: 'active', exitIp: exit });
  }
  for (let i = 0; i < PER_KIND; i += 1) {
    const exit = `127.0.22.${i + 2}`;
    const proxy = await socks5Server({ exitAddress: exit, auth: { username: 'user', password: SOCKS_PASSWORD } });
    servers.push(proxy);
    lines.push({ scheme: 'socks5', host: proxy.host, port: proxy.port, auth: `user:${SOCKS_PASSWORD}@` });
    expected.set(at(proxy.host, proxy.port), { protocol: 'socks5', status: 'active', exitIp: exit });
  }
  for (let i = 0; i < FAILING_EACH; i += 1) {
    const dead = await deadPort();
    lines.push({ scheme: 'http', host: dead.host, port: dead.port });
    expected.set(at(dead.host, dead.port), { protocol: 'http', status: 'failed' });
  }
  for (let i = 0; i < FAILING_EACH; i += 1) {
    const hole = await blackHole();
    servers.push(hole);
    lines.push({ scheme: i % 2 === 0 ? 'http' : 'socks5', host: hole.host, port: hole.port });
    expected.set(at(hole.host, hole.port), { protocol: i % 2 === 0 ? 'http' : 'socks5', status: 'failed' });
  }
  lines.sort((a, b) => (b.auth ? 1 : 0) - (a.auth ? 1 : 0));
  const third = Math.ceil(lines.length / 3);
  const plain = lines
    .slice(0, third)
    .map((l) => `${l.scheme}://${l.auth ?? ''}${l.host}:${l.port}`)
    .join('\n');
  const json = JSON.stringify({
    data: lines.slice(third, 2 * third).map((l) => ({ ip: l.host, port: l.port, protocol: l.scheme })),
  });
  const csv = ['ip,port,protocol', ...lines.slice(2 * third).map((l) => `${l.host},${l.port},${l.scheme}`)].join('\n');
  // socks5 with auth must be in the plaintext part (URL credentials): keep them there.
  expect(lines.slice(third).some((l) => l.auth)).toBe(false);
  lists = await sourceListServer({
    routes: {
      '/list.txt': { body: plain },
      '/list.json': { body: json, contentType: 'application/json' },
      '/list.csv': { body: csv, contentType: 'text/csv' },
    },
  });
  servers.push(lists);

  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const secret = `judge-${randomUUID()}`;
  children.push(
    await startChild(
      'api',
      {
        ...env,
        LOG_LEVEL: 'http',
        PORT: String(port),
        HOST: '127.0.0.1',
        JUDGE_SECRET: secret,
        RATE_LIMITS_ENABLED: 'false',
        SCRAPE_WAIT_MS: '20000',
        POOL_STATS_CACHE_SECONDS: '0',
      },
      '"api listening"',
      'pipeline-api',
    ),
  );
  children.push(
    await startChild(
      'scraper',
      {
        ...env,
        HEALTH_PORT: '0',
        HEALTH_HOST: '127.0.0.1',
        SCRAPE_TIMEOUT_MS: '10000',
        ENQUEUE_DUE_EVERY_SECONDS: '2',
        DEAD_AFTER_FAILURES: '1',
      },
      '"scraper started"',
      'pipeline-scraper',
    ),
  );
  children.push(
    await startChild(
      'checker',
      {
        ...env,
        HEALTH_PORT: '0',
        HEALTH_HOST: '127.0.0.1',
        JUDGE_URL: `${apiUrl}/judge`,
        JUDGE_SECRET: secret,
        CONNECT_TIMEOUT_MS: '1500',
        TOTAL_TIMEOUT_MS: '5000',
        DEAD_AFTER_FAILURES: '1',
        RESULT_FLUSH_MS: '200',
        CHECKER_CONCURRENCY: '100',
      },
      '"checker started"',
      'pipeline-checker',
    ),
  );
  adminKey = (await createAdmin(env)).key;
});

afterAll(async () => {
  for (const child of children) await stopChild(child);
  for (const server of servers) await server.close().catch(() => undefined);
  await clearQueuePrefix(env);
  await db?.$disconnect();
  await database?.drop();
});

describe('the whole pipeline in child processes', () => {
  it('registers, scrapes three formats, validates every kind, leases, uses, releases, tests a URL and reports stats', async () => {
    const registered = await api('POST', '/auth/register', undefined, {
      email: `e2e-${randomUUID()}@example.test`,
      display_name: 'E2E',
    });
    expect(registered.status).toBe(201);
    userKey = registered.body.api_key.key;
    userId = registered.body.user.id;

    const sourceIds: string[] = [];
    for (const [path, parser] of [
      ['/list.txt', 'plaintext'],
      ['/list.json', 'json'],
      ['/list.csv', 'csv'],
    ] as const) {
      const created = await api('POST', '/sources', adminKey, {
        url: lists.urlFor(path),
        parser_name: parser,
        cron_schedule: '0 0 1 1 *',
        default_protocol: 'http',
      });
      expect(created.status).toBe(201);
      sourceIds.push(created.body.id);
      const scraped = await api('POST', `/sources/${created.body.id}/scrape`, adminKey);
      expect(scraped.status).toBe(200);
      expect(scraped.body.proxies_discovered).toBeGreaterThan(0);
    }
    expect(
      await api('POST', '/sources', userKey, { url: lists.urlFor('/list.txt'), cron_schedule: '0 0 1 1 *' }),
    ).toMatchObject({ status: 403 });

    type Row = {
      id: string;
      ip: string;
      port: number;
      protocol: string;
      status: string;
      anonymity: string | null;
      exit_ip: string | null;
      last_checked_at: Date | null;
      username: string | null;
      password: string | null;
    };
    let seen: Row[] = [];
    const rows = await eventually(
      async () => {
        seen = await db.$queryRaw<Row[]>`
        SELECT p.id, host(p.ip) AS ip, p.port, p.protocol::text, p.status::text, p.anonymity::text, host(p.exit_ip) AS exit_ip, p.last_checked_at, p.username, p.password
        FROM proxies p WHERE p.id IN (SELECT proxy_id FROM proxy_sources WHERE source_id = ANY(${sourceIds}::uuid[]))`;
        return seen.length === expected.size && seen.every((row) => row.last_checked_at !== null) ? seen : undefined;
      },
      60_000,
      'every proxy to be checked',
    ).catch((error: Error) => {
      const found = new Set(seen.map((row) => at(row.ip, row.port)));
      const missing = [...expected.entries()].filter(([address]) => !found.has(address));
      const unchecked = seen.filter((row) => row.last_checked_at === null);
      throw new Error(
        `${error.message}: ${seen.length} rows for ${expected.size} expected; missing ${JSON.stringify(missing)}; unchecked ${JSON.stringify(unchecked)}`,
      );
    });

    for (const row of rows) {
      const want = expected.get(at(row.ip, row.port))!;
      expect({ port: row.port, protocol: row.protocol }).toEqual({ port: row.port, protocol: want.protocol });
      if (want.status === 'failed') {
        expect({ port: row.port, status: row.status }).toEqual({ port: row.port, status: 'dead' });
        continue;
      }
      expect({ port: row.port, status: row.status, exit: row.exit_ip }).toEqual({
        port: row.port,
        status: 'active',
        exit: want.exitIp,
      });
      if (want.anonymity)
        expect({ port: row.port, anonymity: row.anonymity }).toEqual({ port: row.port, anonymity: want.anonymity });
      if (row.protocol === 'socks5') expect(row.username).toBe('user');
    }

    // Walk every page of the active pool as a user would.
    const items: Array<{ ip: string; port: number }> = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await api(
        'GET',
        `/proxies?status=active&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        userKey,
      );
      expect(page.status).toBe(200);
      expect(JSON.stringify(page.body)).not.toContain(SOCKS_PASSWORD);
      items.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    const mine = items.filter((item) => expected.has(at(item.ip, item.port)));
    expect(mine).toHaveLength(PER_KIND * 6);

    expect(
      (await api('POST', `/admin/users/${userId}/credits`, adminKey, { amount: 5, description: 'e2e top-up' })).status,
    ).toBe(201);
    const lease = await api('POST', '/proxies/acquire', userKey, {
      protocol: 'http',
      anonymity: 'elite',
      lease_duration_seconds: 60,
    });
    expect(lease.status).toBe(200);
    expect(expected.get(at(lease.body.proxy.ip, lease.body.proxy.port))).toMatchObject({
      protocol: 'http',
      anonymity: 'elite',
    });
    const through = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: lease.body.proxy.ip, port: lease.body.proxy.port, method: 'GET', path: `${target.url}/` },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(through).toEqual({ status: 200, body: 'hello through the proxy' });
    const leases = await api('GET', '/account/leases', userKey);
    expect(JSON.stringify(leases.body)).toContain(lease.body.lease_id);
    expect((await api('POST', `/proxies/acquire/${lease.body.lease_id}/release`, userKey)).status).toBeLessThan(300);
    expect((await api('GET', '/account/credits', userKey)).body.balance).toBe(10 + 5 - 1);

    const tested = await api('POST', '/proxies/test', userKey, {
      url: `${target.url}/`,
      count: 3,
      timeout_seconds: 5,
      protocol: 'http',
    });
    expect(tested.status).toBe(200);
    expect(tested.body.results.length).toBeGreaterThan(0);
    expect(tested.body.success_rate).toBeGreaterThan(0);

    const stats = await api('GET', '/stats/pool', userKey);
    expect(stats.status).toBe(200);
    expect(stats.body.by_status.active).toBeGreaterThanOrEqual(PER_KIND * 6);
    expect(stats.body.by_protocol.socks5).toBeGreaterThanOrEqual(PER_KIND);
    expect(stats.body.last_validation_at).toMatch(/Z$/);
  });

  it('left no raw API key or upstream proxy password in any process log', () => {
    const logs = children.map((child) => readLog(child.logFile)).join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toContain('"request"');
    for (const secret of [adminKey, userKey, SOCKS_PASSWORD]) expect(logs.includes(secret)).toBe(false);
    expect(logs).not.toMatch(/pp_[A-Za-z0-9]{48}/);
  });
});
