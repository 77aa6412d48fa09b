import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { buildEvent, createQueue, createRedis, createWorker, enqueue, QUEUES, type QueueContext } from '../src/index.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const producer = createRedis(redisUrl, 'producer');
const workerConnection = createRedis(redisUrl, 'worker');
const prefix = `test-${randomUUID()}`;
const context: QueueContext = { connection: producer, prefix };

afterAll(async () => {
  const keys = await producer.keys(`${prefix}:*`);
  if (keys.length) await producer.del(...keys);
  producer.disconnect();
  workerConnection.disconnect();
});

describe('queue contracts', () => {
  it('refuses to enqueue a payload that breaks the schema', async () => {
    const queue = createQueue('scrape', context);
    await expect(enqueue(queue, 'scrape', { source_id: 'nope', trigger: 'manual' })).rejects.toThrow();
    expect(await queue.count()).toBe(0);
    await queue.close();
  });

  it('delivers a parsed payload and fails a malformed one as unrecoverable', async () => {
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

  it('builds versioned events', () => {
    const event = buildEvent('credits.low', { balance: 2 }, randomUUID());
    expect(QUEUES.events.payload.parse(event)).toEqual(event);
    expect(event.version).toBe(1);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
