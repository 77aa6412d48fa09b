import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMaintenanceRegistry } from '@proxy-pool/maintenance';
import { createRedis, sourceSchedulerId, type RedisConnection } from '@proxy-pool/queues';
import {
  loopbackProxyLine,
  sourceListServer,
  type SourceListServer,
  privateDatabase,
  type PrivateDatabase,
} from '@proxy-pool/test-kit';
import { ScratchRedis } from '../../api/test/support/redis-server.js';
import { loadScraperConfig } from '../src/config.js';
import { eventually, startTestScraper, type TestScraper } from './support.js';

// FLUSHALL needs a Redis of its own: the shared one holds every other test's queues.
let redisServer: ScratchRedis;
let admin: RedisConnection;
// Maintenance runs here (its lease sweep and due sweep act on a whole database): a database of its own.
let database: PrivateDatabase;
let lists: SourceListServer;
let scraper: TestScraper;

beforeAll(async () => {
  redisServer = await ScratchRedis.start();
  admin = createRedis(redisServer.url, 'worker');
  database = await privateDatabase();
  lists = await sourceListServer({ routes: { '/list.txt': { body: loopbackProxyLine(810_000) } } });
  scraper = await startTestScraper({
    REDIS_URL: redisServer.url,
    DATABASE_URL: database.url,
    MAINTENANCE_ENABLED: 'true',
    SCHEDULER_RECONCILE_EVERY_MS: '5000',
  });
});

afterAll(async () => {
  await scraper?.close();
  admin?.disconnect();
  await redisServer?.down();
  await lists?.close();
  await database?.drop();
});

const schedulerIds = async (): Promise<string[]> => {
  const [scrape, maintenance] = await Promise.all([
    scraper.scraper.queues.scrape.getJobSchedulers(0, -1),
    scraper.scraper.housekeeping.schedulers!.queue.getJobSchedulers(0, -1),
  ]);
  return [...scrape, ...maintenance].map((scheduler) => scheduler.key).sort();
};

const readyz = async () => {
  const response = await fetch(`http://127.0.0.1:${scraper.healthPort}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; problems?: string[] } };
};

describe('job schedulers after Redis loses its data', () => {
  it('reports the missing schedulers, brings every one back without a restart and scrapes a * * * * * source again', async () => {
    const source = await scraper.createSource(lists.urlFor('/list.txt'), { cronSchedule: '* * * * *' });
    const expected = [
      sourceSchedulerId(source.id),
      ...createMaintenanceRegistry()
        .schedulers(loadScraperConfig(scraper.env))
        .map((scheduler) => scheduler.id),
    ].sort();
    await scraper.scraper.schedules.trigger();
    expect(await schedulerIds()).toEqual(expected);
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
    const scheduledRuns: number[] = [];
    scraper.scraper.worker.on('completed', (job) => {
      if (job.data.trigger === 'schedule') scheduledRuns.push(job.processedOn ?? 0);
    });

    // A reconcile has just run, so the next one is SCHEDULER_RECONCILE_EVERY_MS away.
    await scraper.scraper.schedules.trigger();
    await admin.flushall();
    const flushedAt = Date.now();
    expect(await schedulerIds()).toEqual([]);
    const degraded = await readyz();
    expect(degraded.status).toBe(503);
    expect([...(degraded.body.problems ?? [])].sort()).toEqual(expected.map((id) => `job scheduler ${id} is missing`));
    // The liveness probe does not restart a worker for this: readiness is what says it.
    expect((await fetch(`http://127.0.0.1:${scraper.healthPort}/healthz`)).status).toBe(200);

    await eventually(
      async () => ((await schedulerIds()).length === expected.length ? true : undefined),
      15_000,
      'every scheduler back',
    );
    expect(Date.now() - flushedAt).toBeLessThan(60_000);
    expect(await schedulerIds()).toEqual(expected);
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
    const restored = await scraper.scraper.queues.scrape.getJobScheduler(sourceSchedulerId(source.id));
    expect(restored).toMatchObject({
      pattern: '* * * * *',
      tz: 'UTC',
      template: { data: { source_id: source.id, trigger: 'schedule' } },
    });

    // The next minute's tick runs on the restored scheduler.
    await eventually(
      async () => (scheduledRuns.some((at) => at >= flushedAt) ? true : undefined),
      75_000,
      'a scheduled scrape after the flush',
    );
    const row = await scraper.scraper.db.source.findUniqueOrThrow({ where: { id: source.id } });
    expect(row.lastScrapedAt!.getTime()).toBeGreaterThanOrEqual(flushedAt);
  }, 120_000);
});
