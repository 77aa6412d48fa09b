import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createDatabase, type Database } from '@proxy-pool/db';
import { createLogger } from '@proxy-pool/logger';
import type { Notifier } from '@proxy-pool/plugin-contracts';
import { createQueue, createRedis, pingRedis, type TypedQueue, type RedisConnection } from '@proxy-pool/queues';
import { clearKeys } from '@proxy-pool/test-kit';
import type { JobsOptions } from 'bullmq';
import { NotifierHealthStore, startEventWorkers, type EventWorkers } from '../src/index.js';

/** Real Redis and PostgreSQL, a queue prefix of its own, and the two notification workers running. */
export interface World {
  prefix: string;
  redis: RedisConnection;
  db: Database;
  eventsQueue: TypedQueue<'events'>;
  notifyQueue: TypedQueue<'notify'>;
  health: NotifierHealthStore;
  logs: Array<Record<string, unknown>>;
  logger: ReturnType<typeof createLogger>;
  workers: EventWorkers;
  close(): Promise<void>;
}

export const quickRetries = (attempts: number, delay = 50): JobsOptions => ({
  attempts,
  backoff: { type: 'exponential', delay },
});

export async function startWorld(
  notifiers: readonly Notifier[],
  options: { notifyJobOptions?: JobsOptions } = {},
): Promise<World> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `tn${randomUUID().slice(0, 8)}`;
  const redis = createRedis(redisUrl, 'producer');
  const connection = createRedis(redisUrl, 'worker');
  if (!(await pingRedis(redis, 5_000))) throw new Error('Redis is not answering');
  const db = createDatabase({ url: process.env.DATABASE_URL!, poolSize: 3 });
  const stream = new PassThrough();
  const logs: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'notifiers-test', level: 'debug', stream, console: false });
  const health = new NotifierHealthStore(redis, { prefix, unhealthyAfter: 3 });
  const workers = startEventWorkers({
    connection,
    prefix,
    db,
    notifiers,
    healthStore: health,
    logger,
    allowPrivate: true,
    ...(options.notifyJobOptions ? { notifyJobOptions: options.notifyJobOptions } : {}),
  });
  const eventsQueue = createQueue('events', { connection: redis, prefix });
  const notifyQueue = createQueue('notify', { connection: redis, prefix });
  return {
    prefix,
    redis,
    db,
    eventsQueue,
    notifyQueue,
    health,
    logs,
    logger,
    workers,
    async close() {
      await workers.close();
      await Promise.all([eventsQueue.close(), notifyQueue.close()]);
      await clearKeys(redis, prefix);
      redis.disconnect();
      connection.disconnect();
      await db.$disconnect();
    },
  };
}

/** Job counts of a queue: settled when nothing waits, runs or is delayed. */
export async function settledCounts(
  queue: TypedQueue<'events'> | TypedQueue<'notify'>,
): Promise<{ completed: number; failed: number } | null> {
  const counts = await queue.getJobCounts(
    'waiting',
    'active',
    'delayed',
    'prioritized',
    'waiting-children',
    'completed',
    'failed',
  );
  const pending =
    (counts.waiting ?? 0) +
    (counts.active ?? 0) +
    (counts.delayed ?? 0) +
    (counts.prioritized ?? 0) +
    (counts['waiting-children'] ?? 0);
  return pending === 0 ? { completed: counts.completed ?? 0, failed: counts.failed ?? 0 } : null;
}
