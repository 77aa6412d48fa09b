import { claimDueSiteChecks, selectSiteCheckSample } from '@proxy-pool/db';
import { enqueueBulk } from '@proxy-pool/queues';
import { defineMaintenanceTask } from '../define-task.js';

/** Site checks one sweep starts at most (the rest are due at the next sweep). */
const CHECKS_PER_SWEEP = 100;

/** One job per run of a check: a retried sweep, or a second replica, never queues the same run twice. */
export const siteCheckJobId = (checkId: string, runAt: Date): string => `site-check-${checkId}-${runAt.getTime()}`;

/**
 * Starts the due site checks: claims them (stamping `last_run_at`), picks each one's rotating sample of active
 * proxies (never tried by this check first, then tried longest ago) and queues one `site-check` job per check
 * for the checkers. A check with no active proxy to try waits for its next interval. A job lost before a
 * checker took it delays that check by one interval.
 */
export const runSiteChecksTask = defineMaintenanceTask({
  name: 'run-site-checks',
  every: (settings) => settings.SITE_CHECK_SWEEP_EVERY_SECONDS * 1000,
  run: async ({ db, queues }) => {
    const due = await claimDueSiteChecks(db, CHECKS_PER_SWEEP);
    let queued = 0;
    for (const check of due) {
      const proxyIds = await selectSiteCheckSample(db, check.id, check.sampleSize);
      if (proxyIds.length === 0) continue;
      const payload = { site_check_id: check.id, proxy_ids: proxyIds };
      await enqueueBulk(queues.siteCheck, 'siteCheck', [
        { payload, options: { jobId: siteCheckJobId(check.id, check.runAt) } },
      ]);
      queued += proxyIds.length;
    }
    // Proxies queued for a site check, over every check started.
    return { affected: queued };
  },
});
