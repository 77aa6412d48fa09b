import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { QueueEvents } from 'bullmq';
import { Cluster } from 'ioredis';
// Relative, not '@proxy-pool/test-kit': this package keeps no dependency on the test kit's database helpers.
import { startRedisCluster, type RedisClusterHandle } from '../../test-kit/src/redis-cluster.js';
import {
  buildEvent,
  createQueue,
  createQueueEvents,
  createRedis,
  createWorker,
  enqueue,
  pingRedis,
  publishEvent,
  reconcileSchedulerSet,
  type QueueContext,
  type RedisConnection,
  type SchedulerSet,
} from '../src/index.js';

let cluster: RedisClusterHandle;
let producer: RedisConnection;
let workerConnection: RedisConnection;
const prefix = `{test-${randomUUID()}}`;
let context: QueueContext;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  producer = createRedis(cluster.url, 'producer');
  workerConnection = createRedis(cluster.url, 'worker');
  expect(await pingRedis(producer, 10_000)).toBe(true);
  expect(await pingRedis(workerConnection, 10_000)).toBe(true);
  context = { connection: producer, prefix };
}, 30_000);

afterAll(async () => {
  await Promise.all([producer?.quit(), workerConnection?.quit()]);
  await cluster?.stop();
});

describe('queues on a three-node Redis Cluster', () => {
  it('connects as a Cluster and spreads the slots over three masters', async () => {
    expect(producer).toBeInstanceOf(Cluster);
    expect(cluster.ports).toHaveLength(3);
    expect(producer instanceof Cluster ? producer.nodes('master') : []).toHaveLength(3);
  });

  it('delivers a parsed payload to a worker and fails a malformed one as unrecoverable', async () => {
    const queue = createQueue('maintenance', context);
    const seen: string[] = [];
    const worker = createWorker(
      'maintenance',
      async (payload) => {
        seen.push(payload.task);
        return { affected: 1 };
      },
      { connection: workerConnection, prefix },
    );
    await expect(enqueue(queue, 'maintenance', { task: 'format-disk' } as never)).rejects.toThrow();
    const good = await enqueue(queue, 'maintenance', { task: 'prune-checks' });
    const bad = await queue.add('maintenance', { task: 'format-disk' } as never, { attempts: 5 });
    await waitFor(async () => (await queue.getJobCounts('completed', 'failed')).failed === 1 && seen.length === 1);
    expect(seen).toEqual(['prune-checks']);
    expect((await queue.getJob(good.id!))?.returnvalue).toEqual({ affected: 1 });
    const failed = await queue.getJob(bad.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid maintenance payload/);
    await worker.close();
    await queue.close();
  });

  it('upserts, lists and reconciles job schedulers', async () => {
    const queue = createQueue('maintenance', context);
    const set: SchedulerSet = {
      name: 'cluster-test',
      queue: queue as unknown as SchedulerSet['queue'],
      expected: async () => [
        {
          id: 'mine:every',
          repeat: { every: 3_600_000 },
          template: { name: 'maintenance', data: { task: 'prune-checks' } },
        },
        {
          id: 'mine:cron',
          repeat: { pattern: '0 3 * * *', tz: 'UTC' },
          template: { name: 'maintenance', data: { task: 'delete-dead' } },
        },
      ],
      owns: (id) => id.startsWith('mine:'),
    };
    await queue.upsertJobScheduler(
      'mine:stale',
      { every: 3_600_000 },
      { name: 'maintenance', data: { task: 'pool-watch' } },
    );
    expect(await reconcileSchedulerSet(set)).toMatchObject({ upserted: 2, unchanged: 0, removed: 1 });
    expect((await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort()).toEqual([
      'mine:cron',
      'mine:every',
    ]);
    expect(await reconcileSchedulerSet(set)).toMatchObject({ upserted: 0, unchanged: 2, removed: 0 });
    await queue.close();
  });

  it('publishes an event that a worker consumes and QueueEvents reports as completed', async () => {
    const queue = createQueue('events', context);
    let events: QueueEvents | undefined;
    const eventsConnection = createRedis(cluster.url, 'worker');
    try {
      events = createQueueEvents('events', { connection: eventsConnection, prefix });
      await events.waitUntilReady();
      const completed: string[] = [];
      events.on('completed', ({ jobId }) => completed.push(jobId));
      const worker = createWorker('events', async () => ({ deliveries: 0 }), { connection: workerConnection, prefix });
      const event = buildEvent('credits.depleted', { balance: 0 }, randomUUID());
      const warnings: string[] = [];
      expect(await publishEvent(queue, event, { warn: (message) => warnings.push(message) })).toBe(true);
      await waitFor(async () => completed.includes(event.id));
      expect(warnings).toEqual([]);
      await worker.close();
    } finally {
      await events?.close();
      await eventsConnection.quit();
      await queue.close();
    }
  });

  it('keeps every key of the prefix in one slot, where a prefix without a hash tag fails across slots', async () => {
    if (!(producer instanceof Cluster)) throw new Error('expected a Cluster connection');
    const perNode = await Promise.all(producer.nodes('master').map((node) => node.keys(`${prefix}:*`)));
    const keys = perNode.flat();
    expect(keys.length).toBeGreaterThan(5);
    expect(perNode.filter((nodeKeys) => nodeKeys.length > 0)).toHaveLength(1);
    expect(new Set(await Promise.all(keys.map((key) => producer.cluster('KEYSLOT', key))))).toHaveProperty('size', 1);

    const untagged = createQueue('maintenance', { connection: producer, prefix: `test-${randomUUID()}` });
    await expect(enqueue(untagged, 'maintenance', { task: 'prune-checks' })).rejects.toThrow(/CROSSSLOT/);
    await untagged.close();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
