import type { Database } from '@proxy-pool/db';
import type { EventLogger, MaintenanceTaskName, QueueContext, ResultOf, TypedQueue } from '@proxy-pool/queues';
import type { MaintenanceSettings } from './settings.js';

/** What a maintenance task may use: given once, when the role that runs the tasks starts. */
export interface MaintenanceDeps {
  db: Database;
  /** Redis and the key prefix (the pool watch keeps the last level it saw there). */
  context: QueueContext;
  queues: { validate: TypedQueue<'validate'>; events: TypedQueue<'events'>; siteCheck: TypedQueue<'siteCheck'> };
  settings: MaintenanceSettings;
  logger: EventLogger;
}

export type MaintenanceResult = ResultOf<'maintenance'>;

/** One maintenance task: the `task` of its jobs, how often its scheduler adds one, and what a job does. */
export interface MaintenanceTaskDefinition {
  /** One of the maintenance queue's task names (`MAINTENANCE_TASK_NAMES` in `@proxy-pool/queues`). */
  name: MaintenanceTaskName;
  /** Milliseconds between two runs. */
  every(settings: MaintenanceSettings): number;
  run(deps: MaintenanceDeps): Promise<MaintenanceResult>;
}

export function defineMaintenanceTask(definition: MaintenanceTaskDefinition): MaintenanceTaskDefinition {
  return definition;
}
