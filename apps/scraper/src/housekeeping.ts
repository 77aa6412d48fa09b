import { maintenanceProcessors, maintenanceSchedulers, type MaintenanceProcessor, type MaintenanceTask } from '@proxy-pool/checker';
import { countProxies, expireDueLeases, type Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import { buildNotifiers, NotifierHealthStore, startEventWorkers, watchPoolLevel, type EventWorkers } from '@proxy-pool/notifiers';
import {
  buildEvent,
  createQueue,
  createWorker,
  publishEvent,
  type ExpectedScheduler,
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
  queues: { validate: TypedQueue<'validate'>; events: TypedQueue<'events'> };
  /** Receives the `error` events of this role's queues and workers (Redis outages are logged as one state). */
  onQueueError?: (error: Error) => void;
}

/** Every maintenance task this role runs, keyed by the job's `task`. */
export function housekeepingProcessors(deps: HousekeepingDeps): Record<MaintenanceTask, MaintenanceProcessor> {
  const { config, context, db, logger, queues } = deps;
  // The built-in pipeline ends with geoip (stage 3): a validation that passed stage 3 passed.
  const finalStage = 3;
  return {
    ...maintenanceProcessors({ db, validateQueue: queues.validate, settings: config, finalStage }),
    'sweep-leases': async () => {
      const expired = await expireDueLeases(db);
      for (const lease of expired) {
        const data = { lease_id: lease.leaseId, proxy_id: lease.proxyId, ip: lease.ip, port: lease.port, expires_at: lease.expiresAt.toISOString() };
        await publishEvent(queues.events, buildEvent('lease.expired', data, lease.userId), logger);
      }
      return { affected: expired.length };
    },
    'pool-watch': async () => {
      const active = await countProxies(db, { status: 'active' });
      const event = await watchPoolLevel(context.connection, config.QUEUE_PREFIX, active, config.POOL_LOW_THRESHOLD);
      if (event) await publishEvent(queues.events, event, logger);
      return { affected: active };
    },
  };
}

/**
 * The scraper role's other duties (DESIGN: it consumes `maintenance` and `notify`): due re-checks, pruning,
 * lease expiry with `lease.expired`, the pool-level watch with `proxy.pool_low`, and notification delivery.
 */
export function startHousekeeping(deps: HousekeepingDeps): Housekeeping {
  const { config, context, db, logger } = deps;
  const processors = housekeepingProcessors(deps);
  const maintenanceQueue = createQueue('maintenance', context);
  const maintenance = createWorker('maintenance', (payload) => processors[payload.task](), context, {
    concurrency: 2,
    autorun: config.MAINTENANCE_ENABLED,
  });
  const onError = deps.onQueueError ?? ((error: Error) => logger.warn('maintenance worker error', { error: error.message }));
  maintenance.on('error', onError);
  maintenanceQueue.on('error', onError);
  maintenance.on('failed', (job, error) => logger.warn('maintenance task failed', { task: job?.data.task, error: error.message }));

  const notifiers = buildNotifiers(config.NOTIFIERS, { allowPrivate: config.ALLOW_PRIVATE_TARGETS });
  const healthStore = new NotifierHealthStore(context.connection, { prefix: config.QUEUE_PREFIX, unhealthyAfter: config.NOTIFIER_UNHEALTHY_AFTER });
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
    schedulers: config.MAINTENANCE_ENABLED ? housekeepingSchedulerSet(maintenanceQueue, config) : undefined,
    close: async () => {
      await Promise.all([maintenance.close(), notifications.close()]);
      await maintenanceQueue.close();
    },
  };
}

/** Every scheduler of the maintenance queue: the checker's maintenance tasks, lease expiry and the pool watch. */
export function housekeepingSchedulers(config: ScraperConfig): ExpectedScheduler[] {
  return [
    ...maintenanceSchedulers(config),
    { id: 'maintenance:sweep-leases', repeat: { every: config.LEASE_SWEEP_EVERY_SECONDS * 1000 }, template: { name: 'maintenance', data: { task: 'sweep-leases' } } },
    { id: 'maintenance:pool-watch', repeat: { every: config.POOL_WATCH_EVERY_SECONDS * 1000 }, template: { name: 'maintenance', data: { task: 'pool-watch' } } },
  ];
}

function housekeepingSchedulerSet(queue: TypedQueue<'maintenance'>, config: ScraperConfig): SchedulerSet {
  const expected = housekeepingSchedulers(config);
  const ids = new Set(expected.map((scheduler) => scheduler.id));
  return {
    name: 'maintenance schedules',
    queue: queue as unknown as SchedulerSet['queue'],
    expected: async () => expected,
    owns: (id) => ids.has(id),
  };
}
