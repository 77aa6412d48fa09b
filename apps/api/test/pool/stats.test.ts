import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Prisma, readPoolStats } from '@proxy-pool/db';
import { builtinParsers } from '@proxy-pool/parsers';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { insertProxies } from './seed.js';

let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  api = startTestApi({ POOL_STATS_CACHE_SECONDS: '0' });
  user = await createTestUser(api.ctx);
});

afterAll(async () => {
  await api.close();
});

/** Runs readPoolStats against empty temporary `proxies`/`sources` tables (they shadow the real ones inside
 * this transaction), so exact figures can be asserted while other tests write to the shared tables. */
async function statsOverPrivateTables(fill: (tx: Prisma.TransactionClient) => Promise<void>) {
  const rolledBack = new Error('rollback');
  let result: Awaited<ReturnType<typeof readPoolStats>> | undefined;
  await api.ctx.db
    .$transaction(async (tx) => {
      await tx.$executeRaw`CREATE TEMP TABLE proxies (LIKE public.proxies INCLUDING DEFAULTS) ON COMMIT DROP`;
      await tx.$executeRaw`CREATE TEMP TABLE sources (LIKE public.sources INCLUDING DEFAULTS) ON COMMIT DROP`;
      await fill(tx);
      result = await readPoolStats(tx);
      throw rolledBack;
    })
    .catch((error: unknown) => {
      if (error !== rolledBack) throw error;
    });
  return result!;
}

describe('pool statistics (SQL)', () => {
  it('answers zeros and null averages for an empty pool', async () => {
    const stats = await statsOverPrivateTables(async () => undefined);
    expect(stats).toEqual({
      total: 0,
      by_status: { active: 0, dead: 0, unchecked: 0 },
      by_protocol: { http: 0, https: 0, socks4: 0, socks5: 0 },
      by_anonymity: { transparent: 0, anonymous: 0, elite: 0 },
      avg_score: null,
      avg_latency_ms: null,
      sources_active: 0,
      sources_total: 0,
      last_scrape_at: null,
      last_validation_at: null,
    });
  });

  it('counts by status and protocol over all proxies, anonymity and averages over active ones', async () => {
    const stats = await statsOverPrivateTables(async (tx) => {
      await tx.$executeRaw`INSERT INTO proxies (id, ip, port, protocol, status, anonymity, score, avg_latency_ms, last_checked_at) VALUES
        (gen_random_uuid(), '127.0.0.1', 1, 'http', 'active', 'elite', 0.8, 100, '2025-01-15T10:25:00Z'),
        (gen_random_uuid(), '127.0.0.2', 1, 'socks5', 'active', 'transparent', 0.4, 300, '2025-01-15T10:20:00Z'),
        (gen_random_uuid(), '127.0.0.3', 1, 'http', 'dead', 'elite', 0, 5000, '2025-01-15T09:00:00Z'),
        (gen_random_uuid(), '127.0.0.4', 1, 'https', 'unchecked', NULL, 0, NULL, NULL)`;
      await tx.$executeRaw`INSERT INTO sources (id, url, parser_name, cron_schedule, is_active, last_scraped_at) VALUES
        (gen_random_uuid(), 'https://a.example/p.txt', 'plaintext', '*/30 * * * *', true, '2025-01-15T10:30:00Z'),
        (gen_random_uuid(), 'https://b.example/p.txt', 'plaintext', '*/30 * * * *', false, '2025-01-14T10:30:00Z'),
        (gen_random_uuid(), 'https://c.example/p.txt', 'plaintext', '*/30 * * * *', true, NULL)`;
    });
    expect(stats).toEqual({
      total: 4,
      by_status: { active: 2, dead: 1, unchecked: 1 },
      by_protocol: { http: 2, https: 1, socks4: 0, socks5: 1 },
      by_anonymity: { transparent: 1, anonymous: 0, elite: 1 },
      avg_score: expect.closeTo(0.6, 6),
      avg_latency_ms: 200,
      sources_active: 2,
      sources_total: 3,
      last_scrape_at: new Date('2025-01-15T10:30:00Z'),
      last_validation_at: new Date('2025-01-15T10:25:00Z'),
    });
  });
});

describe('GET /stats/pool', () => {
  it('answers every key of the spec, consistent with the rows present', async () => {
    await insertProxies(api.ctx, [{ country: 'XV', status: 'active', protocol: 'socks4', anonymity: 'anonymous' }]);
    const res = await api.request.get('/stats/pool').set(user.auth);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(Object.keys(body).sort()).toEqual(
      [
        'total_proxies',
        'by_status',
        'by_protocol',
        'by_anonymity',
        'avg_score',
        'avg_latency_ms',
        'sources_active',
        'sources_total',
        'last_scrape_at',
        'last_validation_at',
      ].sort(),
    );
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(sum(body.by_status)).toBe(body.total_proxies);
    expect(sum(body.by_protocol)).toBe(body.total_proxies);
    expect(sum(body.by_anonymity)).toBeLessThanOrEqual(body.by_status.active);
    expect(body.by_protocol.socks4).toBeGreaterThanOrEqual(1);
    expect(body.by_anonymity.anonymous).toBeGreaterThanOrEqual(1);
    expect(body.avg_score).toEqual(expect.any(Number));
    expect(body.last_validation_at).toMatch(/Z$/);
  });

  it('serves a cached answer for POOL_STATS_CACHE_SECONDS', async () => {
    const cached = startTestApi({ POOL_STATS_CACHE_SECONDS: '60' });
    try {
      const first = await cached.request.get('/stats/pool').set(user.auth);
      await insertProxies(api.ctx, [{ country: 'XV' }]);
      const second = await cached.request.get('/stats/pool').set(user.auth);
      expect(second.body).toEqual(first.body);
      expect(await cached.ctx.redis.ttl(`${cached.ctx.config.QUEUE_PREFIX}:cache:stats-pool`)).toBeGreaterThan(50);
    } finally {
      await cached.close();
    }
  });
});

describe('GET /stats/plugins', () => {
  it('lists the built-in parsers and checkers in run order, and no notifiers yet', async () => {
    const res = await api.request.get('/stats/plugins').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      parsers: builtinParsers.map((parser) => ({ name: parser.name, type: 'SourceParser' })),
      checkers: [
        { name: 'tcp_connect', stage: 1, priority: 0 },
        { name: 'http_anonymity', stage: 2, priority: 0 },
        { name: 'geoip', stage: 3, priority: 0 },
        { name: 'exit_network', stage: 3, priority: 1 },
        { name: 'tls_integrity', stage: 4, priority: 0 },
      ],
      notifiers: [],
    });
    expect(res.body.parsers.map((parser: { name: string }) => parser.name).sort()).toEqual([
      'csv',
      'html-table',
      'json',
      'plaintext',
    ]);
  });
});
