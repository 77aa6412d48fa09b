import type { Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import {
  createMaintenanceRegistry,
  type MaintenanceProcessor,
  type MaintenanceRegistry,
} from '@proxy-pool/maintenance';
import { buildNotifiers, NotifierHealthStore, startEventWorkers, type EventWorkers } from '@proxy-pool/notifiers';
import {
  createQueue,
  createWorker,
  logWorkerEvents,
  type MaintenanceTaskName,
  type QueueContext,
  type SchedulerSet,
  type TypedQueue,
} from '@proxy-pool/queues';
import type { Worker } from 'bullmq';
import type { ScraperConfig } from './config.js';

export interface Housekeeping {
  workers: Worker[];
  /** The maintenance schedulers this role keeps (none when maintenance is off). */
  schedulers: SchedulerSet | undefined;
  /** Stops taking maintenance and notification jobs; waits for active ones. */
  close(): Promise<void>;
}

export interface HousekeepingDeps {
  config: ScraperConfig;
  context: QueueContext;
  db: Database;
  logger: Logger;
  queues: { validate: TypedQueue<'validate'>; events: TypedQueue<'events'>; siteCheck: TypedQueue<'siteCheck'> };
  /** Receives the `error` events of this role's queues and workers (Redis outages are logged as one state). */
  onQueueError?: (error: Error) => void;
  /** The maintenance tasks (the built-in ones unless given): a task list that misses a task refuses to start. */
  maintenance?: MaintenanceRegistry;
}

/** Every maintenance task this role runs, keyed by the job's `task`. */
export function housekeepingProcessors(deps: HousekeepingDeps): Record<MaintenanceTaskName, MaintenanceProcessor> {
  const { config, context, db, logger, queues } = deps;
  const registry = deps.maintenance ?? createMaintenanceRegistry();
  // The checker runs the built-in pipeline: a validation that passed its last stage passed.
  return registry.processors({ db, context, queues, settings: config, logger });
}

/**
 * The scraper role's other duties (DESIGN: it consumes `maintenance` and `notify`): due re-checks, pruning,
 * lease expiry with `lease.expired`, the pool-level watch with `proxy.pool_low`, and notification delivery.
 */
export function startHousekeeping(deps: HousekeepingDeps): Housekeeping {
  const { config, context, db, logger } = deps;
  const registry = deps.maintenance ?? createMaintenanceRegistry();
  const processors = housekeepingProcessors({ ...deps, maintenance: registry });
  const maintenanceQueue = createQueue('maintenance', context);
  const maintenance = createWorker('maintenance', (payload) => processors[payload.task](), context, {
    concurrency: 2,
    autorun: config.MAINTENANCE_ENABLED,
  });
  logWorkerEvents(maintenance, {
    name: 'maintenance',
    logger,
    onError: deps.onQueueError,
    describeJob: (data) => ({ task: data.task }),
  });
  maintenanceQueue.on(
    'error',
    deps.onQueueError ?? ((error: Error) => logger.warn('maintenance queue error', { error: error.message })),
  );

  const notifiers = buildNotifiers(config.NOTIFIERS, { allowPrivate: config.ALLOW_PRIVATE_TARGETS });
  const healthStore = new NotifierHealthStore(context.connection, {
    prefix: config.QUEUE_PREFIX,
    unhealthyAfter: config.NOTIFIER_UNHEALTHY_AFTER,
  });
  const notifications: EventWorkers = startEventWorkers({
    connection: context.connection,
    prefix: config.QUEUE_PREFIX,
    db,
    notifiers,
    healthStore,
    logger,
    allowPrivate: config.ALLOW_PRIVATE_TARGETS,
    onError: deps.onQueueError,
  });
  return {
    workers: [maintenance],
    schedulers: config.MAINTENANCE_ENABLED ? registry.schedulerSet(maintenanceQueue, config) : undefined,
    close: async () => {
      await Promise.all([maintenance.close(), notifications.close()]);
      await maintenanceQueue.close();
    },
  };
}
