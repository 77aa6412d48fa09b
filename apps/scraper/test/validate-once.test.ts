import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import type { RunningChecker } from '../../checker/src/main.js';
import { createCheckerWorld, type CheckerWorld } from '../../checker/test/support/harness.js';
import { eventually, startTestScraper, type TestScraper } from './support.js';

const PROXIES = 600;
// Nothing listens on this loopback address: every check fails fast at tcp_connect (one row per validation).
const list = Array.from(
  { length: PROXIES },
  (_, index) => `127.201.${7 + Math.floor(index / 250)}.${1 + (index % 250)}:${20_000 + index}\n`,
).join('');

let world: CheckerWorld;
let lists: SourceListServer;
let scraper: TestScraper;
let checkers: RunningChecker[];

beforeAll(async () => {
  // The due sweep claims every due proxy of its database: one of its own, shared by scraper and checkers.
  world = await createCheckerWorld({ VALIDATE_JOB_CONCURRENCY: '2' });
  lists = await sourceListServer({ routes: { '/six-hundred.txt': { body: list } } });
  checkers = [await world.startChecker(), await world.startChecker()];
  scraper = await startTestScraper({
    DATABASE_URL: world.env.DATABASE_URL!,
    QUEUE_PREFIX: world.env.QUEUE_PREFIX!,
    MAINTENANCE_ENABLED: 'true',
    ENQUEUE_DUE_EVERY_SECONDS: '1',
    VALIDATE_BATCH_SIZE: '50',
  });
});

afterAll(async () => {
  await scraper?.close();
  await world?.close();
  await lists?.close();
});

const validationsPerProxy = async () =>
  world.db.$queryRaw<Array<{ n: number }>>`
    SELECT checks_total AS n FROM proxies`;

describe('freshly scraped proxies while the checkers have a backlog', () => {
  it('are validated exactly once, however many due sweeps run before their job is taken', async () => {
    // The backlog: both checkers stop taking validate jobs while the scrape queues 12 of them.
    await Promise.all(checkers.map((running) => running.checker.workers.validate.pause()));
    const source = await scraper.createSource(lists.urlFor('/six-hundred.txt'));
    expect(await scraper.scrape(source.id)).toMatchObject({ proxies_new: PROXIES });
    // Three due sweeps (one a second) run while the jobs wait; none queues these proxies again.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const waiting = await world.validateQueue.getJobCounts('waiting', 'prioritized', 'delayed');
    expect(waiting.waiting! + waiting.prioritized! + waiting.delayed!).toBe(PROXIES / 50);

    for (const running of checkers) running.checker.workers.validate.resume();
    await eventually(
      async () => ((await world.db.proxy.count({ where: { lastCheckedAt: null } })) === 0 ? true : undefined),
      30_000,
      'every proxy checked',
    );
    // Further sweeps find nothing due: a dead proxy comes back only after DEAD_RECHECK_BASE_MINUTES.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const counts = await validationsPerProxy();
    expect(counts).toHaveLength(PROXIES);
    expect(counts.filter((row) => row.n !== 1)).toEqual([]);
    const perChecker = await Promise.all(
      checkers.map(async (running) =>
        (await running.checker.metrics.validations.get()).values.reduce((sum, value) => sum + value.value, 0),
      ),
    );
    expect(perChecker.reduce((sum, n) => sum + n, 0)).toBe(PROXIES);
  }, 60_000);
});
