import type { Notifier } from '@proxy-pool/plugin-contracts';
import { webhookNotifier } from './webhook.notifier.js';

/** The fields of a `user_webhooks` row delivery needs (a Prisma `UserWebhook` fits). */
export interface UserWebhookRecord {
  id: string;
  userId: string;
  url: string;
  secret: string;
  subscribesTo: string[];
}

/** A notifier that may only ever carry events of one user. */
export type OwnedNotifier = Notifier & { readonly ownerUserId: string };

const USER_WEBHOOK_PREFIX = 'user-webhook:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const userWebhookName = (webhookId: string): string => `${USER_WEBHOOK_PREFIX}${webhookId}`;

/** The webhook id named by `user-webhook:<id>`, or null for any other name. */
export function userWebhookIdOf(notifierName: string): string | null {
  if (!notifierName.startsWith(USER_WEBHOOK_PREFIX)) return null;
  const id = notifierName.slice(USER_WEBHOOK_PREFIX.length);
  return UUID.test(id) ? id : null;
}

export function isOwnedNotifier(notifier: Notifier): notifier is OwnedNotifier {
  return typeof (notifier as Partial<OwnedNotifier>).ownerUserId === 'string';
}

/** A user's webhook as a notifier, built at delivery time so edits and deletions apply at once. */
export function userWebhookNotifier(
  row: UserWebhookRecord,
  options: { allowPrivate: boolean; timeoutMs?: number },
): OwnedNotifier {
  const notifier = webhookNotifier({
    name: userWebhookName(row.id),
    url: row.url,
    secret: row.secret,
    subscribes_to: row.subscribesTo.length > 0 ? row.subscribesTo : ['*'],
    timeout_ms: options.timeoutMs ?? 5_000,
    allowPrivate: options.allowPrivate,
  });
  return Object.freeze({ ...notifier, ownerUserId: row.userId });
}

/** True when the event belongs to the webhook's owner: user webhooks never see anyone else's events. */
export function isOwnersEvent(
  owner: { userId: string } | { ownerUserId: string },
  event: { user_id: string | null },
): boolean {
  const ownerId = 'userId' in owner ? owner.userId : owner.ownerUserId;
  return event.user_id !== null && event.user_id === ownerId;
}
