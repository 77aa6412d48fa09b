import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
// Relative, not '@proxy-pool/test-kit': this package keeps no dependency on the test kit's database helpers.
import { startRedisSentinel, type RedisSentinelHandle } from '../../test-kit/src/redis-sentinel.js';
import { createQueue, createRedis, createWorker, enqueue, pingRedis, type RedisConnection } from '../src/index.js';

let sentinel: RedisSentinelHandle;
let producer: RedisConnection;
let workerConnection: RedisConnection;
const prefix = `test-${randomUUID()}`;

beforeAll(async () => {
  sentinel = await startRedisSentinel();
  producer = createRedis(sentinel.url, 'producer');
  workerConnection = createRedis(sentinel.url, 'worker');
  expect(await pingRedis(producer, 10_000)).toBe(true);
}, 30_000);

afterAll(async () => {
  await Promise.all([producer?.quit(), workerConnection?.quit()]);
  await sentinel?.stop();
});

describe('queues through Redis Sentinel', () => {
  it('finds the master through the Sentinel and runs a job there', async () => {
    const queue = createQueue('maintenance', { connection: producer, prefix });
    const worker = createWorker('maintenance', async () => ({ affected: 2 }), { connection: workerConnection, prefix });
    const job = await enqueue(queue, 'maintenance', { task: 'prune-checks' });
    await waitFor(async () => (await queue.getJobCounts('completed')).completed === 1);
    expect((await queue.getJob(job.id!))?.returnvalue).toEqual({ affected: 2 });
    const master = createRedis(`redis://127.0.0.1:${sentinel.masterPort}`, 'producer');
    try {
      expect(await pingRedis(master)).toBe(true);
      expect(await master.hget(`${prefix}:${queue.name}:${job.id}`, 'returnvalue')).toBe('{"affected":2}');
    } finally {
      master.disconnect();
    }
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
