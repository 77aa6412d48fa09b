import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createDatabase, type Database } from '@proxy-pool/db';
import { cannedPage, sourceListServer, privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
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
import { at, type Expect, listedWorld } from './support/pipeline-world.js';

jest.setTimeout(150_000);

// 300 proxies: 40 of each working kind (240) plus 30 dead ports and 30 black holes.
const PER_KIND = 40;
const FAILING_EACH = 30;
const SOCKS_PASSWORD = `sp-${randomUUID()}`;
/** What each listed proxy must become, by `ip:port`. */
let expected = new Map<string, Expect>();
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
  const world = await listedWorld(PER_KIND, FAILING_EACH, SOCKS_PASSWORD);
  servers.push(...world.servers);
  expected = world.expected;
  const { plain, json, csv } = world.bodies;
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
