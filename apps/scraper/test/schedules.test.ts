import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceSchedulerId, syncSourceSchedule } from '@proxy-pool/queues';
import { loopbackProxyLine, sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { startTestScraper, type TestScraper } from './support.js';

let lists: SourceListServer;
beforeAll(async () => {
  lists = await sourceListServer({
    routes: { '/list.txt': { body: loopbackProxyLine(700_000) + loopbackProxyLine(700_001) } },
  });
});
afterAll(async () => {
  await lists?.close();
});

describe('start-up reconcile', () => {
  let scraper: TestScraper;
  beforeAll(async () => {
    scraper = await startTestScraper();
  });
  afterAll(async () => {
    await scraper?.close();
  });

  it('removes schedulers of deleted and inactive sources, upserts active ones, keeps matching ones', async () => {
    const queue = scraper.scraper.queues.scrape;
    const active = await scraper.createSource(lists.urlFor('/list.txt?active'), { cronSchedule: '0 3 * * *' });
    const changed = await scraper.createSource(lists.urlFor('/list.txt?changed'), { cronSchedule: '0 4 * * *' });
    const inactive = await scraper.createSource(lists.urlFor('/list.txt?inactive'), { isActive: false });
    const deletedId = randomUUID();
    await syncSourceSchedule(queue, { id: changed.id, cronSchedule: '0 5 * * *', isActive: true });
    await syncSourceSchedule(queue, { id: inactive.id, cronSchedule: '0 0 1 1 *', isActive: true });
    await syncSourceSchedule(queue, { id: deletedId, cronSchedule: '0 0 1 1 *', isActive: true });
    await queue.upsertJobScheduler('not-a-source', { pattern: '0 0 1 1 *' });

    await scraper.scraper.reconcileSchedules();

    expect(await queue.getJobScheduler(sourceSchedulerId(active.id))).toMatchObject({
      pattern: '0 3 * * *',
      tz: 'UTC',
      template: { data: { source_id: active.id, trigger: 'schedule' } },
    });
    expect((await queue.getJobScheduler(sourceSchedulerId(changed.id)))?.pattern).toBe('0 4 * * *');
    expect(await queue.getJobScheduler(sourceSchedulerId(inactive.id))).toBeUndefined();
    expect(await queue.getJobScheduler(sourceSchedulerId(deletedId))).toBeUndefined();
    expect(await queue.getJobScheduler('not-a-source')).toBeDefined();

    const before = await queue.getJobScheduler(sourceSchedulerId(active.id));
    const again = await scraper.scraper.reconcileSchedules();
    expect(again.removed).toBe(0);
    expect((await queue.getJobScheduler(sourceSchedulerId(active.id)))?.next).toBe(before?.next);
  });
});

describe('two scraper replicas', () => {
  it('run each scheduled scrape exactly once', async () => {
    const prefix = `s${randomUUID().slice(0, 8)}`;
    const first = await startTestScraper({ QUEUE_PREFIX: prefix });
    const second = await startTestScraper({ QUEUE_PREFIX: prefix });
    try {
      const runs: Array<{ jobId: string; trigger: string; worker: string }> = [];
      for (const [name, replica] of [
        ['first', first],
        ['second', second],
      ] as const) {
        replica.scraper.worker.on('completed', (job) =>
          runs.push({ jobId: String(job.id), trigger: job.data.trigger, worker: name }),
        );
      }
      // Every second, from two replicas that both reconciled (and both upserted the scheduler again here).
      const source = await first.createSource(lists.urlFor('/list.txt?replicas'), { cronSchedule: '* * * * * *' });
      await Promise.all([first.scraper.reconcileSchedules(), second.scraper.reconcileSchedules()]);
      await Promise.all([first, second].map((replica) => syncSourceSchedule(replica.scraper.queues.scrape, source)));
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      await first.scraper.queues.scrape.removeJobScheduler(sourceSchedulerId(source.id));
      const elapsedSeconds = (Date.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 500));

      const scheduled = runs.filter((run) => run.trigger === 'schedule');
      expect(scheduled.length).toBeGreaterThanOrEqual(2);
      // One run per tick: never more runs than seconds elapsed (plus the tick in flight), never a job twice.
      expect(scheduled.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
      expect(new Set(scheduled.map((run) => run.jobId)).size).toBe(scheduled.length);
      const links = await first.scraper.db.proxySource.count({ where: { sourceId: source.id } });
      expect(links).toBe(2);
    } finally {
      // Scrapers of other test files reconcile against the same database: leave no every-second source behind.
      await first.scraper.db.source.updateMany({ where: { cronSchedule: '* * * * * *' }, data: { isActive: false } });
      await second.close();
      await first.close();
    }
  }, 30_000);
});
