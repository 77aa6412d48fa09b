import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@proxy-pool/logger';
import { NotifierHealthStore, startEventWorkers, verifyWebhook, type EventWorkers } from '@proxy-pool/notifiers';
import { createRedis, type RedisConnection } from '@proxy-pool/queues';
import { deadPort, eventually, forwardProxy, httpServer, type ServerHandle } from '@proxy-pool/test-kit';
import { startChecksWorld, type ChecksWorld } from '../checks/support.js';
import { insertProxies, recordGrant } from '../pool/seed.js';
import { createTestUser, type TestUser } from '../support/harness.js';

jest.setTimeout(120_000);

let world: ChecksWorld;
let workerConnection: RedisConnection;
let eventWorkers: EventWorkers;
let receiver: ServerHandle;
const received: Array<{ headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  world = await startChecksWorld();
  const { ctx } = world.api;
  workerConnection = createRedis(ctx.config.REDIS_URL, 'worker');
  eventWorkers = startEventWorkers({
    connection: workerConnection,
    prefix: ctx.config.QUEUE_PREFIX,
    db: ctx.db,
    notifiers: [],
    healthStore: new NotifierHealthStore(ctx.redis, { prefix: ctx.config.QUEUE_PREFIX }),
    logger: createLogger({ service: 'notify', level: 'error', console: false, stream: new PassThrough().resume() }),
    allowPrivate: true,
  });
  receiver = await httpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
});

afterAll(async () => {
  await eventWorkers?.close();
  workerConnection?.disconnect();
  await receiver?.close();
  await world?.close();
});

async function payingUser(credits: number): Promise<TestUser> {
  const user = await createTestUser(world.api.ctx, { credits });
  await recordGrant(world.api.ctx, user.userId, credits);
  return user;
}

/** Only the proxies a test adds are leasable: every earlier one is retired first. */
async function retireEveryProxy(): Promise<void> {
  await world.api.ctx.db.proxy.updateMany({ data: { status: 'dead' } });
}

async function acquire(user: TestUser): Promise<{ leaseId: string; proxyId: string }> {
  const res = await world.api.request.post('/proxies/acquire').set(user.auth).send({});
  expect(res.status).toBe(200);
  const lease = await world.api.ctx.db.lease.findUniqueOrThrow({ where: { id: res.body.lease_id as string } });
  return { leaseId: lease.id, proxyId: lease.proxyId };
}

const reportFailed = (user: TestUser, leaseId: string) =>
  world.api.request
    .post(`/proxies/acquire/${leaseId}/report`)
    .set(user.auth)
    .send({ outcome: 'failed', target: 'https://shop.example.com/', detail: 'connection reset' });

/** The user's balance and the sum of their ledger, which must always agree. */
async function ledger(userId: string): Promise<{ balance: number; sum: number; refunds: string[] }> {
  const { db } = world.api.ctx;
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const transactions = await db.creditTransaction.findMany({ where: { userId } });
  return {
    balance: user.creditBalance,
    sum: transactions.reduce((total, tx) => total + tx.amount, 0),
    refunds: transactions.filter((tx) => tx.txType === 'refund').map((tx) => tx.leaseId ?? 'none'),
  };
}

describe('refund of a lease reported failed', () => {
  it('is made once when the re-check fails: +1 refund transaction, lease released, lease.refunded on the webhook', async () => {
    await retireEveryProxy();
    const proxy = await forwardProxy({ kind: 'elite' });
    const [row] = await insertProxies(world.api.ctx, [{ ip: proxy.host, port: proxy.port }]);
    const user = await payingUser(5);
    const hook = await world.api.request
      .post('/account/webhooks')
      .set(user.auth)
      .send({ url: `${receiver.url}/hook`, subscribes_to: ['lease.refunded'] });
    expect(hook.status).toBe(201);
    const { leaseId, proxyId } = await acquire(user);
    expect(proxyId).toBe(row!.id);
    const report = await reportFailed(user, leaseId);
    expect(report.status).toBe(201);
    expect(report.body.refund_pending).toBe(true);

    await proxy.close();
    await world.validate([proxyId]);
    await world.validate([proxyId]);

    expect(await ledger(user.userId)).toEqual({ balance: 5, sum: 5, refunds: [leaseId] });
    const lease = await world.api.ctx.db.lease.findUniqueOrThrow({ where: { id: leaseId } });
    expect(lease.refundedAt).not.toBeNull();
    expect(lease.releasedAt).not.toBeNull();
    const stored = await world.api.ctx.db.proxy.findUniqueOrThrow({ where: { id: proxyId } });
    expect(stored.leasedUntil).toBeNull();
    const leases = await world.api.request.get('/account/leases').set(user.auth);
    expect(JSON.stringify(leases.body)).not.toContain(leaseId);
    const credits = await world.api.request.get('/account/credits').set(user.auth);
    expect(credits.body.balance).toBe(5);
    expect(credits.body.recent_transactions[0]).toMatchObject({ amount: 1, tx_type: 'refund' });
    // Reporting again changes nothing: the lease is refunded.
    expect((await reportFailed(user, leaseId)).body.refund_pending).toBe(false);
    await world.validate([proxyId]);
    expect((await ledger(user.userId)).refunds).toEqual([leaseId]);

    const delivery = await eventually(async () => received.find((r) => r.body.includes(leaseId)), 20_000, 'webhook');
    const event = JSON.parse(delivery.body) as { type: string; user_id: string; data: unknown };
    expect(event).toMatchObject({
      type: 'lease.refunded',
      user_id: user.userId,
      data: { lease_id: leaseId, proxy_id: proxyId, amount: 1, balance: 5 },
    });
    const headers = delivery.headers as Record<string, string>;
    expect(verifyWebhook(hook.body.secret, headers['x-timestamp']!, delivery.body, headers['x-signature']!)).toBe(true);
    expect(received.filter((r) => r.body.includes(leaseId))).toHaveLength(1);
  });

  it('is not made when the re-check passes, nor for a failed report older than REFUND_WINDOW_MINUTES', async () => {
    await retireEveryProxy();
    const proxy = await forwardProxy({ kind: 'elite' });
    const [row] = await insertProxies(world.api.ctx, [{ ip: proxy.host, port: proxy.port }]);
    const user = await payingUser(3);
    const { leaseId } = await acquire(user);
    expect((await reportFailed(user, leaseId)).status).toBe(201);
    await world.validate([row!.id]);
    expect(await ledger(user.userId)).toEqual({ balance: 2, sum: 2, refunds: [] });
    const lease = await world.api.ctx.db.lease.findUniqueOrThrow({ where: { id: leaseId } });
    expect(lease).toMatchObject({ refundedAt: null, releasedAt: null });

    // The proxy dies, but the failed report is 11 minutes old by then.
    await world.api.ctx.db.lease.update({
      where: { id: leaseId },
      data: { failedReportedAt: new Date(Date.now() - 11 * 60_000) },
    });
    await proxy.close();
    await world.validate([row!.id]);
    expect(await ledger(user.userId)).toEqual({ balance: 2, sum: 2, refunds: [] });
  });

  it('50 concurrent reports racing concurrent re-checks refund each lease exactly once', async () => {
    await retireEveryProxy();
    const ports = await Promise.all(Array.from({ length: 10 }, () => deadPort()));
    const rows = await insertProxies(
      world.api.ctx,
      ports.map((port) => ({ ip: port.host, port: port.port })),
    );
    const ids = rows.map((row) => row.id);
    const user = await payingUser(20);
    const leases = [];
    for (let n = 0; n < 10; n += 1) leases.push(await acquire(user));
    expect(new Set(leases.map((lease) => lease.proxyId)).size).toBe(10);

    const reports = leases.flatMap((lease) => Array.from({ length: 5 }, () => reportFailed(user, lease.leaseId)));
    const rechecks = Array.from({ length: 5 }, () => world.validate(ids));
    const answers = await Promise.all(reports);
    await Promise.all(rechecks);
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
    // Every report is in; one more failing re-check settles the leases whose reports came after the others.
    await world.validate(ids);
    await world.validate(ids);

    const after = await ledger(user.userId);
    expect(after.refunds.sort()).toEqual(leases.map((lease) => lease.leaseId).sort());
    expect(after).toMatchObject({ balance: 20, sum: 20 });
    const refunded = await world.api.ctx.db.lease.count({ where: { userId: user.userId, refundedAt: { not: null } } });
    expect(refunded).toBe(10);
  });
});
