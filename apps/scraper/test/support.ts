import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Job } from 'bullmq';
import type { Source } from '@proxy-pool/db';
import { createLogger } from '@proxy-pool/logger';
import { createQueueEvents, createRedis, enqueue, type ScrapeResult } from '@proxy-pool/queues';
import { clearKeys } from '@proxy-pool/test-kit';
import { startScraper, type RunningScraper } from '../src/main.js';
import type { ScraperOptions } from '../src/scraper.js';

export const testEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
  DATABASE_URL: process.env.DATABASE_URL!,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `s${randomUUID().slice(0, 8)}`,
  ALLOW_PRIVATE_TARGETS: 'true',
  HEALTH_PORT: '0',
  HEALTH_HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  NODE_ENV: 'test',
  MAINTENANCE_ENABLED: 'false',
  ...overrides,
});

export interface TestScraper extends RunningScraper {
  env: Record<string, string>;
  logs: Array<Record<string, unknown>>;
  /** Inserts a source row directly (the API's validation is tested in the API's tests). */
  createSource(
    url: string,
    fields?: Partial<Pick<Source, 'parserName' | 'cronSchedule' | 'defaultProtocol' | 'isActive'>>,
  ): Promise<Source>;
  /** Queues a manual scrape and waits: the result, or the job's failure as a rejected promise. */
  scrape(sourceId: string): Promise<ScrapeResult>;
  close(): Promise<void>;
}

/** A real scraper in this process over the test database and Redis, with its own queue prefix. */
export async function startTestScraper(
  overrides: Record<string, string> = {},
  options: Partial<ScraperOptions> = {},
): Promise<TestScraper> {
  const env = testEnv(overrides);
  const logs: Array<Record<string, unknown>> = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'scraper', level: 'debug', stream, console: false });
  const running = await startScraper(env, { logger, ...options });
  const eventsConnection = createRedis(env.REDIS_URL!, 'worker');
  const events = createQueueEvents('scrape', { connection: eventsConnection, prefix: env.QUEUE_PREFIX! });
  // The test's own client: its errors during a Redis outage test are not the scraper's (and must not reach the console).
  events.on('error', () => undefined);
  await events.waitUntilReady();
  const { db, queues } = running.scraper;
  return {
    ...running,
    env,
    logs,
    createSource: (url, fields = {}) =>
      db.source.create({ data: { url, parserName: 'plaintext', cronSchedule: '0 0 1 1 *', ...fields } }),
    scrape: async (sourceId) => {
      const job: Job = await enqueue(queues.scrape, 'scrape', { source_id: sourceId, trigger: 'manual' });
      return (await job.waitUntilFinished(events, 120_000)) as ScrapeResult;
    },
    close: async () => {
      await events.close();
      await running.stop();
      // After the stop: a scraper still running could write again (a schedule's next run, an event).
      await clearKeys(eventsConnection, env.QUEUE_PREFIX!);
      eventsConnection.disconnect();
    },
  };
}

export { eventually } from '@proxy-pool/test-kit';
