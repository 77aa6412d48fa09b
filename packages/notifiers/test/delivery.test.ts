import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { buildEvent, publishEvent, type PoolEvent } from '@proxy-pool/queues';
import { deadPort } from '@proxy-pool/test-kit';
import { buildNotifiers, notifiersConfigSchema, notifierStatuses, notifyJobId, verifyWebhook } from '../src/index.js';
import { httpReceiver, mailHeader, smtpReceiver, waitFor, type HttpReceiver, type SmtpReceiver } from './support.js';
import { quickRetries, settledCounts, startWorld, type World } from './world.js';

const SECRET = 'delivery-secret-0123456789';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function track<T extends HttpReceiver | SmtpReceiver | World>(resource: T): Promise<T> {
  cleanup.push(() => resource.close());
  return resource;
}

const webhook = (name: string, url: string, subscribes_to: string[]) => ({
  type: 'webhook',
  name,
  url,
  secret: SECRET,
  subscribes_to,
  timeout_ms: 2000,
});
const notifiersOf = (entries: unknown[]) =>
  buildNotifiers(notifiersConfigSchema.parse(JSON.stringify(entries)), { allowPrivate: true });
const typesSeen = (receiver: HttpReceiver) =>
  receiver.requests.map((request) => request.headers['x-event-type']).sort();

function allEvents(): PoolEvent[] {
  const user = randomUUID();
  return [
    buildEvent('proxy.pool_low', { active_proxies: 3, threshold: 10 }),
    buildEvent('credits.low', { balance: 2, threshold: 5 }, user),
    buildEvent('credits.depleted', { balance: 0 }, user),
    buildEvent('source.failing', {
      source_id: randomUUID(),
      url: 'http://127.0.0.1:1/list.txt',
      consecutive_failures: 3,
      last_error: 'HTTP 500',
    }),
    buildEvent(
      'lease.expired',
      {
        lease_id: randomUUID(),
        proxy_id: randomUUID(),
        ip: '127.0.0.9',
        port: 8080,
        expires_at: new Date().toISOString(),
      },
      user,
    ),
    buildEvent('scrape.completed', {
      source_id: randomUUID(),
      url: 'http://127.0.0.1:1/list.txt',
      proxies_discovered: 5,
      proxies_new: 2,
      proxies_updated: 3,
      duration_ms: 12,
    }),
  ];
}

describe('event delivery', () => {
  it('brings each event to exactly the notifiers subscribed to it, once', async () => {
    const all = await track(await httpReceiver());
    const credits = await track(await httpReceiver());
    const ops = await track(await httpReceiver());
    const mail = await track(await smtpReceiver());
    const notifiers = notifiersOf([
      webhook('all', all.url, ['*']),
      webhook('credits', credits.url, ['credits.*']),
      webhook('ops', ops.url, ['source.failing', 'lease.expired']),
      {
        type: 'smtp',
        name: 'mail',
        host: '127.0.0.1',
        port: mail.port,
        from: 'pool@example.test',
        to: ['ops@example.test'],
        subscribes_to: ['proxy.pool_low'],
      },
    ]);
    const world = await track(await startWorld(notifiers));
    const events = allEvents();
    for (const event of events) expect(await publishEvent(world.eventsQueue, event, world.logger)).toBe(true);
    // Publishing the same event again queues nothing new.
    expect(await publishEvent(world.eventsQueue, events[0]!, world.logger)).toBe(true);

    await waitFor(
      async () =>
        (await settledCounts(world.notifyQueue))?.completed === 11 &&
        (await settledCounts(world.eventsQueue))?.completed === 6,
      15_000,
      'deliveries',
    );
    expect(typesSeen(all)).toEqual(events.map((event) => event.type).sort());
    expect(typesSeen(credits)).toEqual(['credits.depleted', 'credits.low']);
    expect(typesSeen(ops)).toEqual(['lease.expired', 'source.failing']);
    expect(mail.mails.map((m) => mailHeader(m.raw, 'X-Event-Type'))).toEqual(['proxy.pool_low']);
    for (const request of [...all.requests, ...credits.requests, ...ops.requests]) {
      expect(
        verifyWebhook(
          SECRET,
          String(request.headers['x-timestamp']),
          request.body,
          String(request.headers['x-signature']),
        ),
      ).toBe(true);
    }
    const job = await world.notifyQueue.getJob(notifyJobId(events[1]!.id, 'credits'));
    expect(job?.returnvalue).toEqual({ delivered: true });
    expect((await world.eventsQueue.getJob(events[1]!.id))?.returnvalue).toEqual({ deliveries: 2 });
    expect(await notifierStatuses(notifiers, world.health)).toEqual([
      { name: 'all', healthy: true, subscribes_to: ['*'] },
      { name: 'credits', healthy: true, subscribes_to: ['credits.*'] },
      { name: 'ops', healthy: true, subscribes_to: ['source.failing', 'lease.expired'] },
      { name: 'mail', healthy: true, subscribes_to: ['proxy.pool_low'] },
    ]);
  });

  it('retries a failing receiver with backoff and delivers the event once, on the 4th attempt', async () => {
    const flaky = await track(await httpReceiver({ answer: (n) => (n <= 3 ? 500 : 200) }));
    const world = await track(
      await startWorld(notifiersOf([webhook('flaky', flaky.url, ['*'])]), { notifyJobOptions: quickRetries(6, 100) }),
    );
    const event = buildEvent('source.failing', {
      source_id: randomUUID(),
      url: 'http://127.0.0.1:1/x',
      consecutive_failures: 3,
      last_error: 'boom',
    });
    await publishEvent(world.eventsQueue, event, world.logger);

    await waitFor(async () => (await settledCounts(world.notifyQueue))?.completed === 1, 15_000, 'delivery');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flaky.requests.map((request) => request.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(flaky.requests.map((request) => request.body)).size).toBe(1);
    expect(JSON.parse(flaky.requests[0]!.body)).toMatchObject({ id: event.id, type: 'source.failing' });
    // Exponential backoff: ~100, ~200, ~400 ms between attempts.
    const gaps = flaky.requests.slice(1).map((request, index) => request.at - flaky.requests[index]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(180);
    expect(gaps[2]).toBeGreaterThanOrEqual(360);
    const job = await world.notifyQueue.getJob(notifyJobId(event.id, 'flaky'));
    expect(job?.returnvalue).toEqual({ delivered: true });
    expect(job?.attemptsMade).toBe(4);
    expect(await world.health.read('flaky')).toMatchObject({
      healthy: true,
      consecutive_failures: 0,
      last_error: 'webhook flaky: receiver answered HTTP 500',
    });
    expect(world.logs.filter((line) => line.message === 'notification delivery failed')).toHaveLength(3);
  });

  it('shows an unreachable notifier unhealthy, and healthy again after a success', async () => {
    const dead = await deadPort();
    const notifiers = notifiersOf([webhook('down', `http://${dead.host}:${dead.port}/hook`, ['*'])]);
    const world = await track(await startWorld(notifiers, { notifyJobOptions: quickRetries(3, 50) }));
    expect(await notifierStatuses(notifiers, world.health)).toEqual([
      { name: 'down', healthy: true, subscribes_to: ['*'] },
    ]);

    await publishEvent(
      world.eventsQueue,
      buildEvent('proxy.pool_low', { active_proxies: 1, threshold: 10 }),
      world.logger,
    );
    await waitFor(async () => (await settledCounts(world.notifyQueue))?.failed === 1, 15_000, 'failure');
    expect(await notifierStatuses(notifiers, world.health)).toEqual([
      { name: 'down', healthy: false, subscribes_to: ['*'] },
    ]);
    expect(await world.health.read('down')).toMatchObject({
      consecutive_failures: 3,
      last_success_at: null,
      last_error: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(
      world.logs.some(
        (line) => line.message === 'notification dropped after its last attempt' && line.level === 'error',
      ),
    ).toBe(true);

    const revived = await track(await httpReceiver({ host: dead.host, port: dead.port }));
    await publishEvent(
      world.eventsQueue,
      buildEvent('proxy.pool_low', { active_proxies: 2, threshold: 10 }),
      world.logger,
    );
    await waitFor(async () => (await settledCounts(world.notifyQueue))?.completed === 1, 15_000, 'recovery');
    expect(revived.requests).toHaveLength(1);
    expect(await notifierStatuses(notifiers, world.health)).toEqual([
      { name: 'down', healthy: true, subscribes_to: ['*'] },
    ]);
    expect(await world.health.read('down')).toMatchObject({
      consecutive_failures: 0,
      last_success_at: expect.any(String),
    });
  });
});
