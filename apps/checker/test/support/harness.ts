import { randomUUID, X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createJudgeHandler } from '@proxy-pool/checkers';
import { createDatabase, recentProxyChecks, type Database, type ProxyProtocol } from '@proxy-pool/db';
import { createLogger } from '@proxy-pool/logger';
import {
  createQueue,
  createQueueEvents,
  createRedis,
  enqueue,
  type RedisConnection,
  type ResultOf,
  type TypedQueue,
} from '@proxy-pool/queues';
import {
  clearKeys,
  httpServer,
  type ServerHandle,
  privateDatabase,
  type PrivateDatabase,
  selfSignedCertificate,
} from '@proxy-pool/test-kit';
import type { QueueEvents } from 'bullmq';
import { startChecker, type RunningChecker } from '../../src/main.js';

export const JUDGE_SECRET = 'test-judge-secret-0123456789';

export interface ProxyInput {
  ip?: string;
  port: number;
  protocol: ProxyProtocol;
  username?: string;
  password?: string;
}

/** A private database, a judge, a queue prefix: what checkers under test share. */
export interface CheckerWorld {
  env: Record<string, string>;
  db: Database;
  redis: RedisConnection;
  judge: ServerHandle;
  /** The judge's TLS listener: where tls_integrity connects, and the certificate it presents. */
  judgeTls: { target: string; fingerprint: string; cert: string; key: string };
  validateQueue: TypedQueue<'validate'>;
  logs: Array<Record<string, unknown>>;
  /** Starts a checker in this process on the world's database, Redis and queue prefix. */
  startChecker(overrides?: Record<string, string>): Promise<RunningChecker>;
  addProxy(input: ProxyInput): Promise<string>;
  /** Queues one validate job and waits for its result. */
  validate(ids: string[]): Promise<ResultOf<'validate'>>;
  checkRows(
    proxyId: string,
  ): Promise<
    Array<{ checker_name: string; stage: number; passed: boolean; latency_ms: number | null; detail: string }>
  >;
  close(): Promise<void>;
}

export async function createCheckerWorld(overrides: Record<string, string> = {}): Promise<CheckerWorld> {
  const database: PrivateDatabase = await privateDatabase();
  const judge = await httpServer(createJudgeHandler({ secret: JUDGE_SECRET }));
  const judgeTls = await tlsJudge();
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `c${randomUUID().slice(0, 8)}`,
    ALLOW_PRIVATE_TARGETS: 'true',
    HEALTH_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    JUDGE_URL: `${judge.url}/judge`,
    JUDGE_SECRET,
    JUDGE_TLS_TARGET: judgeTls.target,
    JUDGE_TLS_FINGERPRINT: judgeTls.fingerprint,
    CONNECT_TIMEOUT_MS: '1000',
    TOTAL_TIMEOUT_MS: '2000',
    RESULT_FLUSH_MS: '20',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...overrides,
  };
  const db = createDatabase({ url: database.url, poolSize: 4 });
  const redis = createRedis(env.REDIS_URL!, 'worker');
  const context = { connection: redis, prefix: env.QUEUE_PREFIX! };
  const validateQueue = createQueue('validate', context);
  // The test's own clients: their errors during a Redis outage test are not the checker's (and must not reach the console).
  validateQueue.on('error', () => undefined);
  let events: QueueEvents | undefined;
  const logs: Array<Record<string, unknown>> = [];
  const started: RunningChecker[] = [];
  return {
    env,
    db,
    redis,
    judge,
    judgeTls,
    validateQueue,
    logs,
    startChecker: async (more = {}) => {
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logs.push(JSON.parse(line) as Record<string, unknown>);
      });
      const logger = createLogger({ service: 'checker', level: 'debug', stream, console: false });
      const running = await startChecker({ ...env, ...more }, { logger });
      await running.checker.validating;
      started.push(running);
      return running;
    },
    addProxy: async (input) => {
      const row = await db.proxy.create({
        data: {
          ip: input.ip ?? '127.0.0.1',
          port: input.port,
          protocol: input.protocol,
          username: input.username,
          password: input.password,
        },
      });
      return row.id;
    },
    validate: async (ids) => {
      if (events === undefined) {
        events = createQueueEvents('validate', context);
        events.on('error', () => undefined);
      }
      await events.waitUntilReady();
      const job = await enqueue(validateQueue, 'validate', { proxy_ids: ids });
      return (await job.waitUntilFinished(events, 60_000)) as ResultOf<'validate'>;
    },
    // What GET /proxies/{id} shows (newest validation, then stored history), oldest first.
    checkRows: async (proxyId) =>
      (await recentProxyChecks(db, proxyId, 1_000)).reverse().map(({ created_at: _at, ...row }) => row),
    close: async () => {
      for (const running of started) await running.stop().catch(() => undefined);
      await events?.close();
      await validateQueue.close();
      await clearKeys(redis, env.QUEUE_PREFIX!);
      redis.disconnect();
      await db.$disconnect();
      await judge.close();
      await judgeTls.close();
      await database.drop();
    },
  };
}

/** The judge's TLS listener (for tls_integrity), with the fingerprint checkers pin. */
async function tlsJudge(): Promise<{
  target: string;
  fingerprint: string;
  cert: string;
  key: string;
  close(): Promise<void>;
}> {
  const identity = selfSignedCertificate('judge.test', ['IP:127.0.0.1']);
  const server = createHttpsServer(
    { key: identity.key, cert: identity.cert },
    createJudgeHandler({ secret: JUDGE_SECRET }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    fingerprint: new X509Certificate(identity.cert).fingerprint256,
    cert: identity.cert,
    key: identity.key,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      identity.remove();
    },
  };
}

export { eventually } from '@proxy-pool/test-kit';
