export {
  notifiersConfigSchema,
  notifierListSchema,
  notifierSettingsShape,
  smtpConfigSchema,
  webhookConfigSchema,
} from './config.js';
export type { NotifierConfig, SmtpConfig, WebhookConfig } from './config.js';
export { subscriptionPatternSchema, subscriptionsSchema } from './subscriptions.js';
export { signWebhook, verifyWebhook } from './signature.js';
export { webhookNotifier, WEBHOOK_USER_AGENT } from './webhook.notifier.js';
export type { WebhookOptions } from './webhook.notifier.js';
export { smtpNotifier } from './smtp.notifier.js';
export { eventMessage, summarizeEvent } from './event-text.js';
export { buildNotifiers } from './build-notifiers.js';
export {
  isOwnedNotifier,
  isOwnersEvent,
  userWebhookIdOf,
  userWebhookName,
  userWebhookNotifier,
} from './user-webhooks.js';
export type { OwnedNotifier, UserWebhookRecord } from './user-webhooks.js';
export { NotifierHealthStore } from './health-store.js';
export type { NotifierHealth, NotifierHealthOptions } from './health-store.js';
export { notifierStatuses } from './notifier-status.js';
export type { NotifierStatus } from './notifier-status.js';
export { fanOutEvent, notifyJobId } from './fan-out.js';
export type { UserWebhookSource } from './fan-out.js';
export { deliver } from './deliver.js';
export { onDeliveryOutcome } from './delivery-outcomes.js';
export type { DeliveryListener, DeliveryOutcome } from './delivery-outcomes.js';
export type { NotifierDirectory } from './deliver.js';
export { startEventWorkers } from './event-workers.js';
export type { EventWorkers, EventWorkersOptions } from './event-workers.js';
export { creditEvents, watchPoolLevel } from './event-triggers.js';
export { publishEvent } from '@proxy-pool/queues';
