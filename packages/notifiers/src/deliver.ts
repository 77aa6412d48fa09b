import { isSubscribed, type Notifier } from '@proxy-pool/plugin-contracts';
import type { PayloadOf, ResultOf } from '@proxy-pool/queues';
import { reportDelivery } from './delivery-outcomes.js';
import type { NotifierHealthStore } from './health-store.js';
import { isOwnedNotifier, isOwnersEvent } from './user-webhooks.js';

/** Finds a notifier by name: a `Map` of the configured ones, or a lookup that also builds user webhooks. */
export interface NotifierDirectory {
  get(name: string): Notifier | undefined | Promise<Notifier | undefined>;
}

type HealthRecorder = Pick<NotifierHealthStore, 'recordSuccess' | 'recordFailure'>;

/**
 * The `notify` processor: delivers one event to one notifier and records the outcome. A failure is
 * rethrown so BullMQ retries it with backoff. A notifier that no longer exists (removed from the config,
 * webhook deleted), no longer subscribes, or belongs to another user than the event gets nothing.
 */
export async function deliver(
  payload: PayloadOf<'notify'>,
  notifiersByName: NotifierDirectory,
  healthStore: HealthRecorder,
): Promise<ResultOf<'notify'>> {
  const { event } = payload;
  const notifier = await notifiersByName.get(payload.notifier);
  const skipped =
    notifier === undefined ||
    !isSubscribed(notifier, event.type) ||
    (isOwnedNotifier(notifier) && !isOwnersEvent(notifier, event));
  if (skipped) {
    reportDelivery(payload.notifier, 'skipped');
    return { delivered: false };
  }
  try {
    await notifier.deliver(event);
  } catch (error) {
    reportDelivery(payload.notifier, 'failed');
    await healthStore
      .recordFailure(notifier.name, error instanceof Error ? error.message : String(error))
      .catch(() => undefined);
    throw error;
  }
  reportDelivery(payload.notifier, 'delivered');
  // The event is out: failing to note that must not deliver it again.
  await healthStore.recordSuccess(notifier.name).catch(() => undefined);
  return { delivered: true };
}
