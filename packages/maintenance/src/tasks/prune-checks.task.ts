import { maintainCheckHistory, pruneSiteFeedback } from '@proxy-pool/db';
import { defineMaintenanceTask } from '../define-task.js';

/**
 * Keeps the daily-partitioned check history: creates partitions ahead of time and drops the days older than the
 * retention (whole partitions, never row by row); also deletes lease reports and per-site figures older than
 * FEEDBACK_RETENTION_DAYS. `affected` counts the rows removed.
 */
export const pruneChecksTask = defineMaintenanceTask({
  name: 'prune-checks',
  every: (settings) => settings.PRUNE_CHECKS_EVERY_MINUTES * 60_000,
  run: async ({ db, settings }) => {
    const history = await maintainCheckHistory(db, {
      retentionDays: settings.CHECK_RETENTION_DAYS,
      daysAhead: settings.CHECK_PARTITIONS_AHEAD_DAYS,
    });
    const feedback = await pruneSiteFeedback(db, {
      olderThanDays: settings.FEEDBACK_RETENTION_DAYS,
      batchSize: settings.MAINTENANCE_DELETE_BATCH,
    });
    return { affected: history.removed + feedback };
  },
});
