import type { Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import type { Notifier } from '@proxy-pool/plugin-contracts';
import { createQueue, createWorker, type QueueContext, type RedisConnection } from '@proxy-pool/queues';
import type { Job, JobsOptions } from 'bullmq';
import { deliver, type NotifierDirectory } from './deliver.js';
import { fanOutEvent } from './fan-out.js';
import type { NotifierHealthStore } from './health-store.js';
import { userWebhookIdOf, userWebhookNotifier } from './user-webhooks.js';

export interface EventWorkersOptions {
  /** A worker connection (`createRedis(url, 'worker')`). */
  connection: RedisConnection;
  prefix: string;
  /** Read only for `user_webhooks`. */
  db: Database;
  notifiers: readonly Notifier[];
  healthStore: NotifierHealthStore;
  logger: Logger;
  /** SSRF rules for users' webhooks (configured webhooks carry their own). */
  allowPrivate: boolean;
  /** Overrides of the notify queue's job options (attempts, backoff), e.g. short backoff in tests. */
  notifyJobOptions?: JobsOptions;
  eventsConcurrency?: number;
  notifyConcurrency?: number;
  /** Receives the `error` events of the workers and the notify queue (default: each one logged). */
  onError?: (error: Error) => void;
}

export interface EventWorkers {
  close(): Promise<void>;
}

/** Configured notifiers by name; `user-webhook:<id>` names are looked up in the database when delivering. */
function notifierDirectory(options: EventWorkersOptions): NotifierDirectory {
  const byName = new Map(options.notifiers.map((notifier) => [notifier.name, notifier]));
  return {
    async get(name) {
      const configured = byName.get(name);
      if (configured !== undefined) return configured;
      const webhookId = userWebhookIdOf(name);
      if (webhookId === null) return undefined;
      const row = await options.db.userWebhook.findUnique({ where: { id: webhookId } });
      return row === null ? undefined : userWebhookNotifier(row, { allowPrivate: options.allowPrivate });
    },
  };
}

/**
 * The `events` worker (fans each event out to `notify` jobs) and the `notify` worker (one delivery per
 * job, retried with backoff). Both can run in any number of replicas.
 */
export function startEventWorkers(options: EventWorkersOptions): EventWorkers {
  const context: QueueContext = { connection: options.connection, prefix: options.prefix };
  const log = options.logger.child({ component: 'notifications' });
  const notifyQueue = createQueue('notify', context);
  const loadWebhooks = (userId: string) => options.db.userWebhook.findMany({ where: { userId } });
  const directory = notifierDirectory(options);

  const events = createWorker(
    'events',
    (event) => fanOutEvent(event, options.notifiers, loadWebhooks, notifyQueue, options.notifyJobOptions),
    context,
    {
      concurrency: options.eventsConcurrency ?? 5,
    },
  );
  const notify = createWorker('notify', (payload) => deliver(payload, directory, options.healthStore), context, {
    concurrency: options.notifyConcurrency ?? 10,
  });

  events.on('failed', (job, error) =>
    log.warn('event fan-out failed', { event_id: job?.data.id, type: job?.data.type, error: error.message }),
  );
  notify.on('failed', (job: Job | undefined, error) => {
    const data = job?.data as { event?: { id: string; type: string }; notifier?: string } | undefined;
    const final = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    log.log(
      final ? 'error' : 'warn',
      final ? 'notification dropped after its last attempt' : 'notification delivery failed',
      {
        notifier: data?.notifier,
        event_id: data?.event?.id,
        type: data?.event?.type,
        attempt: job?.attemptsMade,
        error: error.message,
      },
    );
  });
  const onError =
    options.onError ?? ((error: Error) => log.error('notification worker error', { error: error.message }));
  for (const worker of [events, notify]) worker.on('error', onError);
  notifyQueue.on('error', onError);

  return {
    async close() {
      await Promise.all([events.close(), notify.close()]);
      await notifyQueue.close();
    },
  };
}
