import { pruneOldChecks } from '@proxy-pool/db';
import { defineMaintenanceTask } from '../define-task.js';

/** Deletes proxy_checks rows older than the retention. */
export const pruneChecksTask = defineMaintenanceTask({
  name: 'prune-checks',
  every: (settings) => settings.PRUNE_CHECKS_EVERY_MINUTES * 60_000,
  run: async ({ db, settings }) => ({
    affected: await pruneOldChecks(db, {
      olderThanDays: settings.CHECK_RETENTION_DAYS,
      batchSize: settings.MAINTENANCE_DELETE_BATCH,
    }),
  }),
});
