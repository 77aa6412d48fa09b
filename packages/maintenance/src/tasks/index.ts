import type { MaintenanceTaskDefinition } from '../define-task.js';
import { deleteDeadTask } from './delete-dead.task.js';
import { enqueueDueTask } from './enqueue-due.task.js';
import { poolWatchTask } from './pool-watch.task.js';
import { pruneChecksTask } from './prune-checks.task.js';
import { runSiteChecksTask } from './run-site-checks.task.js';
import { sweepLeasesTask } from './sweep-leases.task.js';

/** Every maintenance task, in one explicit list (no folder scanning). */
export const MAINTENANCE_TASKS: readonly MaintenanceTaskDefinition[] = [
  enqueueDueTask,
  pruneChecksTask,
  deleteDeadTask,
  sweepLeasesTask,
  poolWatchTask,
  runSiteChecksTask,
];
