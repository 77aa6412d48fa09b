import { userWebhookIdOf } from './user-webhooks.js';

/** What became of one `notify` job: sent, failed (retried with backoff), or not for this notifier any more. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'skipped';
export type DeliveryListener = (notifier: string, outcome: DeliveryOutcome) => void;

const listeners = new Set<DeliveryListener>();

/**
 * Hears every delivery outcome of this process (its metrics count them); returns the unsubscribe function.
 * Users' webhooks are reported as `user-webhook`, so a metric label does not grow with every user.
 */
export function onDeliveryOutcome(listener: DeliveryListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportDelivery(notifierName: string, outcome: DeliveryOutcome): void {
  const label = userWebhookIdOf(notifierName) === null ? notifierName : 'user-webhook';
  for (const listener of listeners) listener(label, outcome);
}
