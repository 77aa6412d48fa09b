import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLogger } from '@proxy-pool/logger';
import { createQueueEvents, createRedis, enqueue } from '@proxy-pool/queues';
import { startChecker, type RunningChecker } from '../../../checker/src/main.js';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { createApp } from '../../src/app.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';

export const JUDGE_SECRET = 'judge-secret-for-check-tests-0042';

export interface ChecksWorld {
  api: TestApi;
  user: TestUser;
  checker: RunningChecker;
  /** Queues a validate job through the API's queue and waits until the checker finished it. */
  validate(ids: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The API over a private database (a URL test picks the best active proxies, and they must all be this test's
 * loopback fakes), listening on loopback so its GET /judge serves a real checker started in this process on
 * the same queue prefix.
 */
export async function startChecksWorld(env: Record<string, string> = {}): Promise<ChecksWorld> {
  const database: PrivateDatabase = await privateDatabase();
  const api = startTestApi({ DATABASE_URL: database.url, JUDGE_SECRET, URL_TEST_WAIT_MS: '20000', ...env });
  const server: Server = await new Promise((resolve) => {
    const listening = createApp(api.ctx).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { config } = api.ctx;
  const checker = await startChecker(
    {
      DATABASE_URL: database.url,
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      ALLOW_PRIVATE_TARGETS: 'true',
      JUDGE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/judge`,
      JUDGE_SECRET,
      // No TLS judge here: tls_integrity has its own tests.
      JUDGE_TLS_PORT: '0',
      CONNECT_TIMEOUT_MS: '1000',
      TOTAL_TIMEOUT_MS: '2000',
      RESULT_FLUSH_MS: '20',
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      NODE_ENV: 'test',
    },
    {
      logger: createLogger({ service: 'checker', level: 'error', console: false, stream: new PassThrough().resume() }),
    },
  );
  await checker.checker.validating;
  const user = await createTestUser(api.ctx);
  const eventsConnection = createRedis(config.REDIS_URL, 'worker');
  const events = createQueueEvents('validate', { connection: eventsConnection, prefix: config.QUEUE_PREFIX });
  await events.waitUntilReady();
  return {
    api,
    user,
    checker,
    validate: async (ids) =>
      (await enqueue(api.ctx.queues.validate, 'validate', { proxy_ids: ids })).waitUntilFinished(events, 30_000),
    close: async () => {
      await events.close();
      eventsConnection.disconnect();
      await checker.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await api.close();
      await database.drop();
    },
  };
}
