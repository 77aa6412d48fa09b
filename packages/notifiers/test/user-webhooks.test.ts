import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildEvent, enqueue, publishEvent } from '@proxy-pool/queues';
import {
  deliver,
  fanOutEvent,
  userWebhookName,
  userWebhookNotifier,
  verifyWebhook,
  type UserWebhookRecord,
} from '../src/index.js';
import { httpReceiver, waitFor, type HttpReceiver } from './support.js';
import { settledCounts, startWorld, type World } from './world.js';

let world: World;
let aliceAll: HttpReceiver;
let aliceLeases: HttpReceiver;
let bob: HttpReceiver;
const users: string[] = [];
const hooks: Record<string, UserWebhookRecord> = {};

async function createUser(): Promise<string> {
  const email = `hook-${randomUUID()}@example.test`;
  const user = await world.db.user.create({ data: { email, emailNormalized: email, displayName: 'Hook Tester' } });
  users.push(user.id);
  return user.id;
}

async function createHook(userId: string, url: string, subscribesTo: string[]): Promise<UserWebhookRecord> {
  return world.db.userWebhook.create({ data: { userId, url, secret: randomBytes(32).toString('hex'), subscribesTo } });
}

beforeAll(async () => {
  world = await startWorld([]);
  [aliceAll, aliceLeases, bob] = await Promise.all([httpReceiver(), httpReceiver(), httpReceiver()]);
  const [alice, bobId] = [await createUser(), await createUser()];
  hooks.aliceAll = await createHook(alice, aliceAll.url, ['*']);
  hooks.aliceLeases = await createHook(alice, aliceLeases.url, ['lease.expired']);
  hooks.bob = await createHook(bobId, bob.url, ['credits.*']);
});

afterAll(async () => {
  await world.db.user.deleteMany({ where: { id: { in: users } } });
  await world.close();
  await Promise.all([aliceAll.close(), aliceLeases.close(), bob.close()]);
});

const ids = (receiver: HttpReceiver) =>
  receiver.requests.map((request) => (JSON.parse(request.body) as { id: string }).id).sort();

describe('user webhooks', () => {
  it("carry their owner's subscribed events and never anyone else's", async () => {
    const alice = hooks.aliceAll!.userId;
    const bobId = hooks.bob!.userId;
    const aliceLow = buildEvent('credits.low', { balance: 2, threshold: 5 }, alice);
    const aliceLease = buildEvent(
      'lease.expired',
      {
        lease_id: randomUUID(),
        proxy_id: randomUUID(),
        ip: '127.0.0.2',
        port: 3128,
        expires_at: new Date().toISOString(),
      },
      alice,
    );
    const bobLow = buildEvent('credits.low', { balance: 1, threshold: 5 }, bobId);
    const bobLease = buildEvent(
      'lease.expired',
      {
        lease_id: randomUUID(),
        proxy_id: randomUUID(),
        ip: '127.0.0.3',
        port: 3128,
        expires_at: new Date().toISOString(),
      },
      bobId,
    );
    const global = buildEvent('proxy.pool_low', { active_proxies: 1, threshold: 10 });
    const stranger = buildEvent('credits.depleted', { balance: 0 }, randomUUID());
    for (const event of [aliceLow, aliceLease, bobLow, bobLease, global, stranger])
      await publishEvent(world.eventsQueue, event, world.logger);

    await waitFor(
      async () =>
        (await settledCounts(world.eventsQueue))?.completed === 6 &&
        (await settledCounts(world.notifyQueue))?.completed === 4,
      15_000,
      'deliveries',
    );
    expect(ids(aliceAll)).toEqual([aliceLow.id, aliceLease.id].sort());
    expect(ids(aliceLeases)).toEqual([aliceLease.id]);
    expect(ids(bob)).toEqual([bobLow.id]);
    // Each webhook signs with its own secret.
    for (const [receiver, hook] of [
      [aliceAll, hooks.aliceAll!],
      [bob, hooks.bob!],
    ] as const) {
      for (const request of receiver.requests) {
        expect(
          verifyWebhook(
            hook.secret,
            String(request.headers['x-timestamp']),
            request.body,
            String(request.headers['x-signature']),
          ),
        ).toBe(true);
      }
    }
    expect((await world.notifyQueue.getJobs(['completed'])).map((job) => job.data.notifier).sort()).toEqual(
      [
        userWebhookName(hooks.aliceAll!.id),
        userWebhookName(hooks.aliceAll!.id),
        userWebhookName(hooks.aliceLeases!.id),
        userWebhookName(hooks.bob!.id),
      ].sort(),
    );
  });

  it("refuses a delivery job that names one user's webhook for another user's event", async () => {
    const before = aliceAll.requests.length;
    const bobsEvent = buildEvent('credits.low', { balance: 1, threshold: 5 }, hooks.bob!.userId);
    const forged = await enqueue(world.notifyQueue, 'notify', {
      event: bobsEvent,
      notifier: userWebhookName(hooks.aliceAll!.id),
    });
    const systemEvent = buildEvent('proxy.pool_low', { active_proxies: 0, threshold: 10 });
    const unscoped = await enqueue(world.notifyQueue, 'notify', {
      event: systemEvent,
      notifier: userWebhookName(hooks.aliceAll!.id),
    });
    await waitFor(
      async () =>
        (await world.notifyQueue.getJob(unscoped.id!))?.returnvalue !== null &&
        (await world.notifyQueue.getJob(forged.id!))?.returnvalue !== null,
    );
    expect((await world.notifyQueue.getJob(forged.id!))?.returnvalue).toEqual({ delivered: false });
    expect((await world.notifyQueue.getJob(unscoped.id!))?.returnvalue).toEqual({ delivered: false });
    // The same guard holds when the processor body is called directly.
    const directory = { get: () => userWebhookNotifier(hooks.aliceAll!, { allowPrivate: true }) };
    const noHealth = { recordSuccess: async () => {}, recordFailure: async () => {} };
    expect(
      await deliver({ event: bobsEvent, notifier: userWebhookName(hooks.aliceAll!.id) }, directory, noHealth),
    ).toEqual({ delivered: false });
    expect(aliceAll.requests.length).toBe(before);
  });

  it('fans out only to webhooks of the event user, even when handed other rows', async () => {
    const queue = world.notifyQueue;
    const event = buildEvent('credits.low', { balance: 3, threshold: 5 }, hooks.aliceAll!.userId);
    const result = await fanOutEvent(event, [], Object.values(hooks), queue, { delay: 60_000 });
    expect(result).toEqual({ deliveries: 1 });
    const delayed = await queue.getJobs(['delayed']);
    expect(delayed.filter((job) => job.data.event.id === event.id).map((job) => job.data.notifier)).toEqual([
      userWebhookName(hooks.aliceAll!.id),
    ]);
    // A second fan-out of the same event adds nothing (job ids are per event and notifier).
    await fanOutEvent(event, [], Object.values(hooks), queue, { delay: 60_000 });
    expect((await queue.getJobs(['delayed'])).filter((job) => job.data.event.id === event.id)).toHaveLength(1);
    await queue.drain(true);
  });

  it('stops delivering to a deleted webhook at once', async () => {
    const temp = await httpReceiver();
    try {
      const hook = await createHook(hooks.bob!.userId, temp.url, ['*']);
      const event = buildEvent('credits.depleted', { balance: 0 }, hook.userId);
      const job = await enqueue(
        world.notifyQueue,
        'notify',
        { event, notifier: userWebhookName(hook.id) },
        { delay: 300 },
      );
      await world.db.userWebhook.delete({ where: { id: hook.id } });
      await waitFor(async () => (await world.notifyQueue.getJob(job.id!))?.returnvalue !== null, 10_000);
      expect((await world.notifyQueue.getJob(job.id!))?.returnvalue).toEqual({ delivered: false });
      expect(temp.requests).toHaveLength(0);
    } finally {
      await temp.close();
    }
  });
});
