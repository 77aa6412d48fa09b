import { Writable } from 'node:stream';
import { createLogger } from '@proxy-pool/logger';
import { sourceSchedulerId } from '@proxy-pool/queues';
import { startScraper, type RunningScraper } from '../../../scraper/src/main.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

export interface SourcesTestApi extends TestApi {
  admin: TestUser;
  user: TestUser;
  /** The scheduler of a source in this API's queue, if any. */
  scheduler(sourceId: string): ReturnType<TestApi['ctx']['queues']['scrape']['getJobScheduler']>;
}

/** The test API with an admin and a plain user, closing what manual scrapes open. */
export async function startSourcesApi(env: Record<string, string> = {}): Promise<SourcesTestApi> {
  const api = startTestApi(env);
  const [admin, user] = await Promise.all([createTestUser(api.ctx, { role: 'admin' }), createTestUser(api.ctx)]);
  return {
    ...api,
    admin,
    user,
    scheduler: (sourceId) => api.ctx.queues.scrape.getJobScheduler(sourceSchedulerId(sourceId)),
    close: async () => {
      await api.close();
    },
  };
}

/** A real scraper in this process, on the API's database, Redis and queue prefix. */
export function startScraperFor(api: TestApi, env: Record<string, string> = {}): Promise<RunningScraper> {
  const { config } = api.ctx;
  return startScraper(
    {
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      ALLOW_PRIVATE_TARGETS: String(config.ALLOW_PRIVATE_TARGETS),
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      NODE_ENV: 'test',
      MAINTENANCE_ENABLED: 'false',
      ...env,
    },
    { logger: createLogger({ service: 'scraper', level: 'warn', console: false, stream: discard() }) },
  );
}

/** A sink for the in-process scraper's log lines (the API's own lines are what these tests read). */
function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}
