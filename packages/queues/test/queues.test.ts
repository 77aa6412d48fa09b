import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  buildEvent,
  createQueue,
  createRedis,
  createWorker,
  enqueue,
  QUEUES,
  type PoolEvent,
  type QueueContext,
} from '../src/index.js';

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

/** A handler as notifiers write them: each case reads its own type's payload fields. */
function where(event: PoolEvent): string {
  switch (event.type) {
    case 'lease.expired':
      return `${event.data.ip}:${event.data.port}`;
    case 'credits.low':
      // @ts-expect-error -- narrowed to credits.low, whose payload has no ip.
      return String(event.data.ip ?? event.data.balance);
    default:
      return event.type;
  }
}

describe('events as a discriminated union', () => {
  it('narrows data by type in a switch', () => {
    const expires_at = new Date().toISOString();
    expect(
      where(
        buildEvent('lease.expired', {
          lease_id: randomUUID(),
          proxy_id: randomUUID(),
          ip: '127.0.0.9',
          port: 8080,
          expires_at,
        }),
      ),
    ).toBe('127.0.0.9:8080');
    expect(where(buildEvent('credits.low', { balance: 3, threshold: 5 }))).toBe('3');
    expect(where(buildEvent('credits.depleted', { balance: 0 }))).toBe('credits.depleted');
  });

  it('refuses to queue an event whose data breaks its payload schema', async () => {
    const queue = createQueue('events', context);
    const bad: PoolEvent = { ...buildEvent('credits.low', { balance: 3 }), data: { balance: -1 } };
    await expect(enqueue(queue, 'events', bad)).rejects.toThrow(/invalid credits.low v1 data: balance/);
    expect(await queue.count()).toBe(0);
    await queue.close();
  });

  it('fails a queued event with malformed data, or an unknown payload version, at once as unrecoverable', async () => {
    const queue = createQueue('events', context);
    const seen: string[] = [];
    const worker = createWorker(
      'events',
      async (event) => {
        seen.push(event.type);
        return { deliveries: 0 };
      },
      { connection: workerConnection, prefix },
    );
    const good = buildEvent('credits.depleted', { balance: 0 }, randomUUID());
    await enqueue(queue, 'events', good);
    const wrongData = await queue.add(
      'events',
      { ...buildEvent('proxy.pool_low', { active_proxies: 1, threshold: 5 }), data: { active: 1 } } as never,
      { attempts: 5 },
    );
    const futureVersion = await queue.add(
      'events',
      { ...buildEvent('credits.depleted', { balance: 0 }), version: 9 } as never,
      { attempts: 5 },
    );
    await waitFor(async () => (await queue.getJobCounts('failed')).failed === 2 && seen.length === 1);
    expect(seen).toEqual(['credits.depleted']);
    for (const [job, reason] of [
      [wrongData, /invalid proxy.pool_low v1 data: active_proxies/],
      [futureVersion, /credits.depleted has no payload version 9/],
    ] as const) {
      const failed = await queue.getJob(job.id!);
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(reason);
    }
    await worker.close();
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
