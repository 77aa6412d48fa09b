import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { buildEvent, createRedis } from '@proxy-pool/queues';
import { clearKeys, deadPort } from '@proxy-pool/test-kit';
import {
  buildNotifiers,
  deliver,
  notifiersConfigSchema,
  NotifierHealthStore,
  onDeliveryOutcome,
  userWebhookName,
  type DeliveryOutcome,
} from '../src/index.js';
import { httpReceiver } from './support.js';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker'); // commands wait for the connection: the suite may finish before it is up
const prefix = `do${randomUUID().slice(0, 8)}`;
afterAll(async () => {
  await clearKeys(redis, prefix);
  redis.disconnect();
});

describe('delivery outcomes (what the scraper counts in proxypool_notification_deliveries_total)', () => {
  it('are reported per notifier as delivered, failed or skipped, users’ webhooks under one label', async () => {
    const receiver = await httpReceiver();
    const dead = await deadPort();
    const webhook = (name: string, url: string) => ({
      type: 'webhook',
      name,
      url,
      secret: 'outcome-secret-0123456789',
      subscribes_to: ['*'],
      timeout_ms: 1000,
    });
    const notifiers = buildNotifiers(
      notifiersConfigSchema.parse(
        JSON.stringify([webhook('ops', receiver.url), webhook('down', `http://${dead.host}:${dead.port}/`)]),
      ),
      {
        allowPrivate: true,
      },
    );
    const directory = new Map(notifiers.map((notifier) => [notifier.name, notifier]));
    const health = new NotifierHealthStore(redis, { prefix });
    const seen: Array<[string, DeliveryOutcome]> = [];
    const stop = onDeliveryOutcome((notifier, outcome) => seen.push([notifier, outcome]));
    const event = buildEvent('proxy.pool_low', { active_proxies: 1, threshold: 10 });
    try {
      await expect(deliver({ event, notifier: 'ops' }, directory, health)).resolves.toEqual({ delivered: true });
      await expect(deliver({ event, notifier: 'down' }, directory, health)).rejects.toThrow();
      await expect(deliver({ event, notifier: 'removed' }, directory, health)).resolves.toEqual({ delivered: false });
      await expect(deliver({ event, notifier: userWebhookName(randomUUID()) }, directory, health)).resolves.toEqual({
        delivered: false,
      });
      stop();
      await deliver({ event, notifier: 'ops' }, directory, health);
      expect(seen).toEqual([
        ['ops', 'delivered'],
        ['down', 'failed'],
        ['removed', 'skipped'],
        ['user-webhook', 'skipped'],
      ]);
      expect(receiver.requests).toHaveLength(2);
    } finally {
      stop();
      await receiver.close();
    }
  });
});
