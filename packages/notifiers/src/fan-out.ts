import { isSubscribed, type Notifier } from '@proxy-pool/plugin-contracts';
import { enqueueBulk, type PoolEvent, type ResultOf, type TypedQueue } from '@proxy-pool/queues';
import type { JobsOptions } from 'bullmq';
import { isOwnersEvent, userWebhookName, type UserWebhookRecord } from './user-webhooks.js';

/** The user webhooks to consider: rows at hand, or a loader asked for the event's user only. */
export type UserWebhookSource =
  | readonly UserWebhookRecord[]
  | ((userId: string) => Promise<readonly UserWebhookRecord[]>);

/**
 * BullMQ refuses `:` in custom job ids (it reserves it for repeatable jobs), so `${event.id}:${notifier}`
 * is spelled with `.` instead: still one id per (event, notifier) pair.
 */
export const notifyJobId = (eventId: string, notifierName: string): string =>
  `${eventId}.${notifierName}`.replaceAll(':', '.');

async function webhooksOf(event: PoolEvent, source: UserWebhookSource): Promise<readonly UserWebhookRecord[]> {
  if (event.user_id === null) return [];
  return typeof source === 'function' ? source(event.user_id) : source;
}

/**
 * The `events` processor: one `notify` job per notifier subscribed to the event, plus one per subscribed
 * webhook of the event's own user (never another user's). Job ids are derived from the event and notifier,
 * so a retried fan-out adds nothing twice.
 */
export async function fanOutEvent(
  event: PoolEvent,
  notifiers: readonly Notifier[],
  userWebhooks: UserWebhookSource,
  notifyQueue: TypedQueue<'notify'>,
  jobOptions: JobsOptions = {},
): Promise<ResultOf<'events'>> {
  const names = notifiers.filter((notifier) => isSubscribed(notifier, event.type)).map((notifier) => notifier.name);
  for (const row of await webhooksOf(event, userWebhooks)) {
    if (isOwnersEvent(row, event) && isSubscribed({ subscribes_to: row.subscribesTo }, event.type))
      names.push(userWebhookName(row.id));
  }
  await enqueueBulk(
    notifyQueue,
    'notify',
    names.map((notifier) => ({
      payload: { event, notifier },
      options: { ...jobOptions, jobId: notifyJobId(event.id, notifier) },
    })),
  );
  return { deliveries: names.length };
}
