import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, type Database } from '@proxy-pool/db';
import { createLogger } from '@proxy-pool/logger';
import { createQueue, createRedis, type QueueContext } from '@proxy-pool/queues';
import { clearKeys, privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { loadScraperConfig } from '../src/config.js';
import { housekeepingProcessors } from '../src/housekeeping.js';

const prefix = `hk${randomUUID().slice(0, 8)}`;
const redis = createRedis(process.env.REDIS_URL!, 'worker');
const context: QueueContext = { connection: redis, prefix };
const queues = {
  validate: createQueue('validate', context),
  events: createQueue('events', context),
  siteCheck: createQueue('siteCheck', context),
};
// The sweeps act on every row of their database (every past-due lease, every dead proxy): a database of
// their own keeps them off other tests' rows.
let database: PrivateDatabase;
let db: Database;
let processors: ReturnType<typeof housekeepingProcessors>;

async function queuedEvents(type: string) {
  const jobs = await queues.events.getJobs(['waiting', 'prioritized']);
  return jobs.map((job) => job.data).filter((event) => event.type === type);
}

beforeAll(async () => {
  database = await privateDatabase();
  const config = loadScraperConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: prefix,
    POOL_LOW_THRESHOLD: '1000000000',
  });
  db = createDatabase({ url: config.DATABASE_URL });
  processors = housekeepingProcessors({
    config,
    context,
    db,
    logger: createLogger({ service: 'test', console: false }),
    queues,
  });
  await redis.ping();
});
afterAll(async () => {
  await clearKeys(redis, prefix);
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
  redis.disconnect();
  await db.$disconnect();
  await database.drop();
});

describe('housekeeping tasks', () => {
  it('sweep-leases marks a past-due lease expired once, raises lease.expired for its owner, and frees the proxy', async () => {
    const email = `hk-${randomUUID()}@example.test`;
    const user = await db.user.create({ data: { email, emailNormalized: email, displayName: 'HK' } });
    const proxy = await db.proxy.create({
      data: {
        ip: `127.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        port: 8000 + Math.floor(Math.random() * 1000),
        protocol: 'http',
        status: 'active',
        leasedUntil: new Date(Date.now() - 60_000),
      },
    });
    const lease = await db.lease.create({
      data: {
        proxyId: proxy.id,
        userId: user.id,
        createdAt: new Date(Date.now() - 120_000),
        expiresAt: new Date(Date.now() - 60_000),
      },
    });

    expect((await processors['sweep-leases']()).affected).toBeGreaterThanOrEqual(1);
    expect((await db.lease.findUniqueOrThrow({ where: { id: lease.id } })).expiredAt).not.toBeNull();
    // Back among the free proxies that acquire walks first.
    expect((await db.proxy.findUniqueOrThrow({ where: { id: proxy.id } })).leasedUntil).toBeNull();
    const events = (await queuedEvents('lease.expired')).filter((event) => event.user_id === user.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ lease_id: lease.id, proxy_id: proxy.id, ip: proxy.ip, port: proxy.port });

    await processors['sweep-leases']();
    expect((await queuedEvents('lease.expired')).filter((event) => event.user_id === user.id)).toHaveLength(1);
  });

  it('pool-watch raises proxy.pool_low on the crossing only', async () => {
    await processors['pool-watch']();
    await processors['pool-watch']();
    const events = await queuedEvents('proxy.pool_low');
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ threshold: 1_000_000_000 });
  });
});
