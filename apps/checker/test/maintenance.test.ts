import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, type Database } from '@proxy-pool/db';
import { createLogger } from '@proxy-pool/logger';
import { createMaintenanceRegistry } from '@proxy-pool/maintenance';
import {
  createQueue,
  createRedis,
  MAINTENANCE_TASK_NAMES,
  reconcileSchedulerSet,
  type TypedQueue,
  type RedisConnection,
} from '@proxy-pool/queues';
import { clearKeys, privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { loadCheckerConfig } from '../src/config.js';

const settings = loadCheckerConfig({
  CHECK_RETENTION_DAYS: '7',
  DEAD_RETENTION_DAYS: '7',
  MAINTENANCE_DELETE_BATCH: '100',
});
let database: PrivateDatabase;
let db: Database;
let redis: RedisConnection;
let prefix: string;
let validateQueue: TypedQueue<'validate'>;
let eventsQueue: TypedQueue<'events'>;
let maintenanceQueue: TypedQueue<'maintenance'>;
let siteCheckQueue: TypedQueue<'siteCheck'>;
let port = 20_000;

beforeAll(async () => {
  database = await privateDatabase();
  db = createDatabase({ url: database.url, poolSize: 2 });
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
  prefix = `m${randomUUID().slice(0, 8)}`;
  validateQueue = createQueue('validate', { connection: redis, prefix });
  eventsQueue = createQueue('events', { connection: redis, prefix });
  maintenanceQueue = createQueue('maintenance', { connection: redis, prefix });
  siteCheckQueue = createQueue('siteCheck', { connection: redis, prefix });
});

afterAll(async () => {
  await validateQueue?.close();
  await eventsQueue?.close();
  await maintenanceQueue?.close();
  await siteCheckQueue?.close();
  await clearKeys(redis, prefix);
  redis?.disconnect();
  await db?.$disconnect();
  await database?.drop();
});

const registry = createMaintenanceRegistry();
const processors = () =>
  registry.processors({
    db,
    context: { connection: redis, prefix },
    queues: { validate: validateQueue, events: eventsQueue, siteCheck: siteCheckQueue },
    settings,
    logger: createLogger({ service: 'test', console: false }),
  });
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function proxy(fields: {
  status: 'active' | 'dead' | 'unchecked';
  firstSeenDaysAgo: number;
  lastCheckedDaysAgo?: number;
  lastPassedDaysAgo?: number;
}): Promise<string> {
  port += 1;
  const row = await db.proxy.create({
    data: {
      ip: '127.0.0.1',
      port,
      protocol: 'http',
      status: fields.status,
      firstSeenAt: daysAgo(fields.firstSeenDaysAgo),
      lastCheckedAt: fields.lastCheckedDaysAgo === undefined ? null : daysAgo(fields.lastCheckedDaysAgo),
      lastPassedAt: fields.lastPassedDaysAgo === undefined ? null : daysAgo(fields.lastPassedDaysAgo),
      nextCheckAt: daysAgo(-1),
    },
  });
  return row.id;
}

/** A history row (the history table is raw SQL only). */
async function check(proxyId: string, fields: { stage: number; passed: boolean; daysAgo: number }): Promise<void> {
  await db.$executeRaw`INSERT INTO history.proxy_checks (proxy_id, checker_name, stage, passed, detail, created_at)
    VALUES (${proxyId}::uuid, ${`stage_${fields.stage}`}, ${fields.stage}, ${fields.passed}, 'test row', ${daysAgo(fields.daysAgo)})`;
}

async function historyCount(proxyId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM history.proxy_checks WHERE proxy_id = ${proxyId}::uuid`;
  return row?.n ?? 0;
}

describe('maintenance tasks', () => {
  it('prune-checks removes history older than the retention, and nothing newer', async () => {
    const id = await proxy({ status: 'active', firstSeenDaysAgo: 30, lastCheckedDaysAgo: 0 });
    for (let i = 0; i < 250; i += 1) await check(id, { stage: 1, passed: true, daysAgo: 8 + (i % 5) });
    for (let i = 0; i < 5; i += 1) await check(id, { stage: 1, passed: true, daysAgo: 6.9 - i });
    expect(await processors()['prune-checks']()).toEqual({ affected: 250 });
    expect(await historyCount(id)).toBe(5);
    expect(await processors()['prune-checks']()).toEqual({ affected: 0 });
  });

  it('prune-checks also deletes lease reports and per-site figures past FEEDBACK_RETENTION_DAYS (30)', async () => {
    const id = await proxy({ status: 'active', firstSeenDaysAgo: 60, lastCheckedDaysAgo: 0 });
    const user = await db.user.create({
      data: {
        email: `f-${randomUUID()}@example.test`,
        emailNormalized: `f-${randomUUID()}@example.test`,
        displayName: 'F',
      },
    });
    const lease = await db.lease.create({
      data: { proxyId: id, userId: user.id, createdAt: daysAgo(40), expiresAt: daysAgo(39.9) },
    });
    for (const [site, age] of [
      ['old.example', 31],
      ['new.example', 29],
    ] as const) {
      await db.leaseReport.create({
        data: {
          leaseId: lease.id,
          proxyId: id,
          userId: user.id,
          outcome: 'blocked',
          targetHost: site,
          createdAt: daysAgo(age),
        },
      });
      await db.proxySiteStat.create({ data: { proxyId: id, targetHost: site, failures: 1, updatedAt: daysAgo(age) } });
    }
    expect(await processors()['prune-checks']()).toEqual({ affected: 2 });
    expect((await db.leaseReport.findMany({ where: { proxyId: id } })).map((row) => row.targetHost)).toEqual([
      'new.example',
    ]);
    expect((await db.proxySiteStat.findMany({ where: { proxyId: id } })).map((row) => row.targetHost)).toEqual([
      'new.example',
    ]);
  });

  it('delete-dead removes proxies dead with no pass for the retention age, and keeps the rest', async () => {
    const longDead = await proxy({
      status: 'dead',
      firstSeenDaysAgo: 30,
      lastCheckedDaysAgo: 0.1,
      lastPassedDaysAgo: 8,
    });
    await check(longDead, { stage: 1, passed: false, daysAgo: 0.1 });
    const neverWorked = await proxy({ status: 'dead', firstSeenDaysAgo: 10, lastCheckedDaysAgo: 1 });
    const recentlyWorked = await proxy({
      status: 'dead',
      firstSeenDaysAgo: 30,
      lastCheckedDaysAgo: 0.1,
      lastPassedDaysAgo: 2,
    });
    // Connecting is not working: only a validation through every stage sets last_passed_at.
    const onlyConnects = await proxy({ status: 'dead', firstSeenDaysAgo: 30, lastCheckedDaysAgo: 0.1 });
    await check(onlyConnects, { stage: 1, passed: true, daysAgo: 0.1 });
    const young = await proxy({ status: 'dead', firstSeenDaysAgo: 2, lastCheckedDaysAgo: 1 });
    const active = await proxy({ status: 'active', firstSeenDaysAgo: 30, lastCheckedDaysAgo: 0.1 });
    const leased = await proxy({ status: 'dead', firstSeenDaysAgo: 30, lastCheckedDaysAgo: 0.1 });
    const user = await db.user.create({
      data: {
        email: `m-${randomUUID()}@example.test`,
        emailNormalized: `m-${randomUUID()}@example.test`,
        displayName: 'M',
      },
    });
    await db.lease.create({ data: { proxyId: leased, userId: user.id, expiresAt: daysAgo(-0.01) } });
    const expiredLease = await proxy({ status: 'dead', firstSeenDaysAgo: 30, lastCheckedDaysAgo: 0.1 });
    await db.lease.create({
      data: { proxyId: expiredLease, userId: user.id, createdAt: daysAgo(1), expiresAt: daysAgo(0.99) },
    });

    expect(await processors()['delete-dead']()).toEqual({ affected: 4 });
    const left = new Set((await db.proxy.findMany({ select: { id: true } })).map((row) => row.id));
    for (const gone of [longDead, neverWorked, onlyConnects, expiredLease]) expect(left.has(gone)).toBe(false);
    for (const kept of [recentlyWorked, young, active, leased]) expect(left.has(kept)).toBe(true);
    expect(await historyCount(longDead)).toBe(0);
  });

  it('upserts its schedulers with fixed ids, so repeating it (or two replicas doing it) keeps one each', async () => {
    const set = registry.schedulerSet(maintenanceQueue, settings);
    await reconcileSchedulerSet(set);
    await Promise.all([reconcileSchedulerSet(set), reconcileSchedulerSet(set)]);
    const schedulers = await maintenanceQueue.getJobSchedulers(0, -1);
    expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(Object.values(registry.schedulerIds).sort());
    const enqueueDue = schedulers.find((scheduler) => scheduler.key === registry.schedulerIds['enqueue-due']);
    expect(Number(enqueueDue?.every)).toBe(15_000);
    expect(enqueueDue?.template?.data).toEqual({ task: 'enqueue-due' });
    const jobs = await maintenanceQueue.getJobs(['delayed', 'waiting']);
    expect(jobs.map((job) => job.data.task).sort()).toEqual([...MAINTENANCE_TASK_NAMES].sort());
  });
});
