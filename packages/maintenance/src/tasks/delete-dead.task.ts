import { deleteLongDeadProxies } from '@proxy-pool/db';
import { defineMaintenanceTask } from '../define-task.js';

/** Deletes proxies dead with no passing validation (`last_passed_at`) for the retention age, unless leased. */
export const deleteDeadTask = defineMaintenanceTask({
  name: 'delete-dead',
  every: (settings) => settings.DELETE_DEAD_EVERY_MINUTES * 60_000,
  run: async ({ db, settings }) => ({
    affected: await deleteLongDeadProxies(db, {
      olderThanDays: settings.DEAD_RETENTION_DAYS,
      batchSize: settings.MAINTENANCE_DELETE_BATCH,
    }),
  }),
});
