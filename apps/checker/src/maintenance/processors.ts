import { deleteLongDeadProxies, pruneOldChecks, type Database } from '@proxy-pool/db';
import type { ExpectedScheduler, PayloadOf, ResultOf, TypedQueue } from '@proxy-pool/queues';
import { enqueueDueProxies } from './enqueue-due.js';
import type { MaintenanceSettings } from './settings.js';

export type MaintenanceTask = PayloadOf<'maintenance'>['task'];
export type MaintenanceProcessor = () => Promise<ResultOf<'maintenance'>>;

export interface MaintenanceDeps {
  db: Database;
  validateQueue: TypedQueue<'validate'>;
  settings: MaintenanceSettings;
  /** The checker pipeline's last stage (a validation that passed it passed): 3 for the built-in checkers. */
  finalStage: number;
}

/**
 * The checker's maintenance tasks, keyed by the `maintenance` job's `task`. The role that consumes the
 * maintenance queue (the scraper) merges them into its processor map.
 */
export function maintenanceProcessors(deps: MaintenanceDeps): Record<'enqueue-due' | 'prune-checks' | 'delete-dead', MaintenanceProcessor> {
  const { db, settings } = deps;
  return {
    'enqueue-due': async () => ({
      affected: await enqueueDueProxies(
        { db, validateQueue: deps.validateQueue },
        { limit: settings.ENQUEUE_DUE_LIMIT, batchSize: settings.DUE_BATCH_SIZE, leaseSeconds: settings.CHECK_LEASE_SECONDS },
      ),
    }),
    'prune-checks': async () => ({
      affected: await pruneOldChecks(db, { olderThanDays: settings.CHECK_RETENTION_DAYS, batchSize: settings.MAINTENANCE_DELETE_BATCH }),
    }),
    'delete-dead': async () => ({
      affected: await deleteLongDeadProxies(db, {
        olderThanDays: settings.DEAD_RETENTION_DAYS,
        batchSize: settings.MAINTENANCE_DELETE_BATCH,
        finalStage: deps.finalStage,
      }),
    }),
  };
}

/** Schedulers with fixed ids: upserting them from every replica at start-up never creates two. */
export const MAINTENANCE_SCHEDULER_IDS = {
  'enqueue-due': 'maintenance:enqueue-due',
  'prune-checks': 'maintenance:prune-checks',
  'delete-dead': 'maintenance:delete-dead',
} as const;

/** The job schedulers of the checker's maintenance tasks, as the role that runs them keeps them. */
export function maintenanceSchedulers(settings: MaintenanceSettings): ExpectedScheduler[] {
  const every: Record<keyof typeof MAINTENANCE_SCHEDULER_IDS, number> = {
    'enqueue-due': settings.ENQUEUE_DUE_EVERY_SECONDS * 1000,
    'prune-checks': settings.PRUNE_CHECKS_EVERY_MINUTES * 60_000,
    'delete-dead': settings.DELETE_DEAD_EVERY_MINUTES * 60_000,
  };
  return (Object.entries(MAINTENANCE_SCHEDULER_IDS) as Array<[keyof typeof MAINTENANCE_SCHEDULER_IDS, string]>).map(([task, id]) => ({
    id,
    repeat: { every: every[task] },
    template: { name: 'maintenance', data: { task } },
  }));
}

/** Creates (or updates in place) the job schedulers of the checker's maintenance tasks. */
export async function ensureMaintenanceSchedulers(queue: TypedQueue<'maintenance'>, settings: MaintenanceSettings): Promise<void> {
  for (const scheduler of maintenanceSchedulers(settings)) {
    await queue.upsertJobScheduler(scheduler.id, scheduler.repeat, { name: 'maintenance', data: scheduler.template.data as PayloadOf<'maintenance'> });
  }
}
