import type { Notifier } from '@proxy-pool/plugin-contracts';
import type { NotifierHealthStore } from './health-store.js';

/** One notifier as GET /stats/plugins lists it. */
export interface NotifierStatus {
  name: string;
  healthy: boolean;
  subscribes_to: string[];
}

/** The configured notifiers with their delivery health, in configuration order. */
export async function notifierStatuses(
  notifiers: readonly Notifier[],
  store: Pick<NotifierHealthStore, 'readMany'>,
): Promise<NotifierStatus[]> {
  const health = await store.readMany(notifiers.map((notifier) => notifier.name));
  return notifiers.map((notifier, index) => ({
    name: notifier.name,
    healthy: health[index]?.healthy ?? true,
    subscribes_to: [...notifier.subscribes_to],
  }));
}
