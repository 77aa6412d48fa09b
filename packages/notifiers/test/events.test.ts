import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  buildEvent,
  checkEventData,
  createQueue,
  createRedis,
  EVENT_PAYLOADS,
  EVENT_TYPES,
  pingRedis,
  publishEvent,
  type PoolEvent,
  type RedisConnection,
} from '@proxy-pool/queues';
import { clearKeys } from '@proxy-pool/test-kit';
import { creditEvents, summarizeEvent, watchPoolLevel } from '../src/index.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `tn${randomUUID().slice(0, 8)}`;
let redis: RedisConnection;

beforeAll(async () => {
  redis = createRedis(redisUrl, 'producer');
  expect(await pingRedis(redis, 5_000)).toBe(true);
});
afterAll(async () => {
  await clearKeys(redis, prefix);
  redis.disconnect();
});

function memoryLogger() {
  const lines: Array<{ message: string; meta: Record<string, unknown> }> = [];
  return { lines, warn: (message: string, meta: Record<string, unknown>) => lines.push({ message, meta }) };
}

describe('event payloads', () => {
  it('has a payload schema for the current version of every event type', () => {
    for (const [type, version] of Object.entries(EVENT_TYPES)) {
      expect(Object.keys(EVENT_PAYLOADS[type as keyof typeof EVENT_TYPES])).toContain(String(version));
    }
  });

  it('type-checks and run-time-checks event data', () => {
    const event = buildEvent(
      'lease.expired',
      {
        lease_id: randomUUID(),
        proxy_id: randomUUID(),
        ip: '127.0.0.1',
        port: 80,
        expires_at: new Date().toISOString(),
      },
      randomUUID(),
    );
    expect(checkEventData(event.type, event.version, event.data).ok).toBe(true);
    // @ts-expect-error -- proxy.pool_low needs active_proxies and threshold.
    const wrong = buildEvent('proxy.pool_low', { active: 3 });
    expect(checkEventData(wrong.type, wrong.version, wrong.data)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^invalid proxy.pool_low v1 data: active_proxies: .*; threshold: /),
    });
    expect(checkEventData('credits.low', 99, { balance: 1 })).toEqual({
      ok: false,
      reason: 'credits.low has no payload version 99',
    });
  });
});

describe('publishEvent', () => {
  it('queues the event under its own id, once', async () => {
    const queue = createQueue('events', { connection: redis, prefix });
    const logger = memoryLogger();
    const event = buildEvent('credits.depleted', { balance: 0 }, randomUUID());
    expect(await publishEvent(queue, event, logger)).toBe(true);
    expect(await publishEvent(queue, event, logger)).toBe(true);
    expect((await queue.getJob(event.id))?.data).toEqual(event);
    expect(await queue.getJobCountByTypes('waiting')).toBe(1);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('never throws: a closed connection or a bad payload is logged and dropped', async () => {
    const closed = createRedis(redisUrl, 'producer');
    await pingRedis(closed, 5_000);
    const queue = createQueue('events', { connection: closed, prefix: `${prefix}x` });
    const queueErrors: Error[] = [];
    queue.on('error', (error) => queueErrors.push(error));
    closed.disconnect();
    const logger = memoryLogger();
    const started = Date.now();
    expect(
      await publishEvent(queue, buildEvent('credits.depleted', { balance: 0 }, randomUUID()), logger, {
        timeoutMs: 500,
      }),
    ).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(logger.lines[0]).toMatchObject({ message: 'event not queued', meta: { type: 'credits.depleted' } });

    const bad: PoolEvent = { ...buildEvent('credits.depleted', { balance: 0 }), data: { balance: -1 } };
    expect(await publishEvent(queue, bad, logger)).toBe(false);
    expect(logger.lines[1]).toMatchObject({ message: 'event dropped: invalid payload', meta: { event_id: bad.id } });
    await queue.close().catch(() => undefined);
  });
});

describe('event triggers', () => {
  const user = randomUUID();

  it('raises credit events on crossings only', () => {
    expect(creditEvents(user, 10, 9, 5)).toEqual([]);
    expect(creditEvents(user, 5, 4, 5).map((e) => [e.type, e.data, e.user_id])).toEqual([
      ['credits.low', { balance: 4, threshold: 5 }, user],
    ]);
    expect(creditEvents(user, 4, 3, 5)).toEqual([]);
    expect(creditEvents(user, 1, 0, 5).map((e) => [e.type, e.data])).toEqual([['credits.depleted', { balance: 0 }]]);
    expect(creditEvents(user, 0, 0, 5)).toEqual([]);
    expect(creditEvents(user, 3, 100, 5)).toEqual([]);
  });

  it('raises proxy.pool_low when the pool falls under the threshold, not on every check', async () => {
    const levels = [50, 9, 8, 3, 12, 7, 7];
    const raised: Array<PoolEvent | null> = [];
    for (const active of levels) raised.push(await watchPoolLevel(redis, prefix, active, 10));
    expect(raised.map((event) => event?.data ?? null)).toEqual([
      null,
      { active_proxies: 9, threshold: 10 },
      null,
      null,
      null,
      { active_proxies: 7, threshold: 10 },
      null,
    ]);
  });

  it('lets only one of several concurrent checks report the crossing', async () => {
    const scoped = `${prefix}:race`;
    await watchPoolLevel(redis, scoped, 100, 10);
    const raised = await Promise.all(Array.from({ length: 8 }, () => watchPoolLevel(redis, scoped, 2, 10)));
    expect(raised.filter((event) => event !== null)).toHaveLength(1);
  });
});

describe('event summaries', () => {
  it('names each event type with its own payload fields, and falls back to the type for an event it cannot read', () => {
    const lease = randomUUID();
    const expired = buildEvent('lease.expired', {
      lease_id: lease,
      proxy_id: randomUUID(),
      ip: '127.0.0.7',
      port: 3128,
      expires_at: new Date().toISOString(),
    });
    expect(summarizeEvent(expired)).toBe(`Lease ${lease} on 127.0.0.7:3128 expired`);
    expect(summarizeEvent(buildEvent('credits.low', { balance: 2, threshold: 5 }))).toBe(
      'Credit balance is low: 2 left',
    );
    expect(summarizeEvent({ ...buildEvent('credits.low', { balance: 2 }), version: 7 })).toBe('credits.low');
    expect(summarizeEvent({ ...buildEvent('credits.low', { balance: 2 }), type: 'pool.renamed' })).toBe('pool.renamed');
  });
});
