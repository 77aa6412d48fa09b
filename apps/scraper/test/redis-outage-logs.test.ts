import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { MAINTENANCE_TASK_NAMES } from '@proxy-pool/queues';
import type { RunningChecker } from '../../checker/src/main.js';
import { ScratchRedis } from '../../api/test/support/redis-server.js';
import { createCheckerWorld, type CheckerWorld } from '../../checker/test/support/harness.js';
import { eventually, startTestScraper, type TestScraper } from './support.js';

const OUTAGE_MS = 6_000;
const SUMMARY_EVERY_MS = 2_000;

// Stopping Redis needs a Redis of its own: the shared one serves every other test.
let redisServer: ScratchRedis;
let world: CheckerWorld;
let checker: RunningChecker;
let scraper: TestScraper;

beforeAll(async () => {
  redisServer = await ScratchRedis.start();
  const settings = { REDIS_URL: redisServer.url, DEPENDENCY_SUMMARY_EVERY_MS: String(SUMMARY_EVERY_MS) };
  world = await createCheckerWorld(settings);
  checker = await world.startChecker();
  scraper = await startTestScraper({
    ...settings,
    DATABASE_URL: world.env.DATABASE_URL!,
    QUEUE_PREFIX: world.env.QUEUE_PREFIX!,
    MAINTENANCE_ENABLED: 'true',
  });
  await scraper.scraper.schedules.trigger();
});

afterAll(async () => {
  await redisServer?.up();
  await scraper?.close();
  await world?.close();
  await redisServer?.down();
});

const messages = (lines: Array<Record<string, unknown>>, message: string) =>
  lines.filter((line) => line.message === message);

describe('Redis stopped under a running scraper and checker', () => {
  it('logs one line when it goes, a summary every DEPENDENCY_SUMMARY_EVERY_MS while it stays down, one when it is back', async () => {
    const consoleErrors = jest.spyOn(console, 'error');
    const scraperFrom = scraper.logs.length;
    const checkerFrom = world.logs.length;

    await redisServer.down();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    const outage = { scraper: scraper.logs.slice(scraperFrom), checker: world.logs.slice(checkerFrom) };
    await redisServer.up();
    await eventually(
      async () =>
        messages(scraper.logs, 'dependency back up').length > 0 && messages(world.logs, 'dependency back up').length > 0
          ? true
          : undefined,
      15_000,
      'both back up',
    );

    for (const [role, lines] of Object.entries(outage)) {
      const down = messages(lines, 'dependency down');
      // A command written as the server dies meets a reset or a broken pipe (more likely on a loaded machine);
      // reconnects are refused. Any of them is a connection error code, never a generic message.
      expect({ role, down }).toMatchObject({
        role,
        down: [{ dependency: 'redis', code: expect.stringMatching(/^(ECONNREFUSED|ECONNRESET|EPIPE)$/) }],
      });
      const summaries = messages(lines, 'dependency still down');
      expect(summaries.length).toBeGreaterThanOrEqual(Math.floor(OUTAGE_MS / SUMMARY_EVERY_MS) - 1);
      expect(summaries.length).toBeLessThanOrEqual(Math.ceil(OUTAGE_MS / SUMMARY_EVERY_MS));
      for (const summary of summaries)
        expect(summary).toMatchObject({
          dependency: 'redis',
          code: 'ECONNREFUSED',
          down_ms: expect.any(Number),
          errors_suppressed: expect.any(Number),
        });
      // Nothing else per error: the state lines are all there is, at any level (the test logger keeps debug).
      expect({
        role,
        others: lines
          .filter((line) => !['dependency down', 'dependency still down'].includes(String(line.message)))
          .map((line) => line.message),
      }).toEqual({ role, others: [] });
    }
    const back = messages(scraper.logs.slice(scraperFrom), 'dependency back up');
    expect(back).toEqual([
      expect.objectContaining({
        dependency: 'redis',
        down_ms: expect.any(Number),
        errors_suppressed: expect.any(Number),
      }),
    ]);
    expect(messages(world.logs.slice(checkerFrom), 'dependency back up')).toHaveLength(1);
    expect(consoleErrors).not.toHaveBeenCalled();
    consoleErrors.mockRestore();

    // The restarted Redis is empty: the reconnect brings the schedulers back at once (the periodic reconcile is a minute away).
    await eventually(
      async () => ((await scraper.scraper.schedules.missing()).length === 0 ? true : undefined),
      10_000,
      'schedulers back',
    );
    const maintenance = await scraper.scraper.housekeeping.schedulers!.queue.getJobSchedulers(0, -1);
    // Every maintenance task's scheduler is back.
    expect(maintenance.map((scheduler) => scheduler.template?.data?.task).sort()).toEqual(
      [...MAINTENANCE_TASK_NAMES].sort(),
    );
    expect((await fetch(`http://127.0.0.1:${scraper.healthPort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${checker.healthPort}/readyz`)).status).toBe(200);
  }, 60_000);
});
