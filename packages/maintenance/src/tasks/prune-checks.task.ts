import { maintainCheckHistory } from '@proxy-pool/db';
import { defineMaintenanceTask } from '../define-task.js';

/**
 * Keeps the daily-partitioned check history: creates partitions ahead of time and drops the days older than the
 * retention (whole partitions, never row by row). `affected` counts the rows removed.
 */
export const pruneChecksTask = defineMaintenanceTask({
  name: 'prune-checks',
  every: (settings) => settings.PRUNE_CHECKS_EVERY_MINUTES * 60_000,
  run: async ({ db, settings }) => ({
    affected: (
      await maintainCheckHistory(db, {
        retentionDays: settings.CHECK_RETENTION_DAYS,
        daysAhead: settings.CHECK_PARTITIONS_AHEAD_DAYS,
      })
    ).removed,
  }),
});
