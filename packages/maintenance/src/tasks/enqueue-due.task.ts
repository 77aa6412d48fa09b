import { claimDueProxies, type Database } from '@proxy-pool/db';
import { enqueueBulk, inBatches, type TypedQueue } from '@proxy-pool/queues';
import { defineMaintenanceTask } from '../define-task.js';

export interface EnqueueDueDeps {
  db: Database;
  validateQueue: TypedQueue<'validate'>;
}

export interface EnqueueDueSettings {
  limit: number;
  batchSize: number;
  leaseSeconds: number;
}

/**
 * A job id per batch of one claim: its first proxy id and the claim's time (ms). Queueing the same claim again
 * (a retried run) adds nothing twice; batches of different claims never share an id, so a proxy due again
 * soon after its last check is never dropped as a "duplicate" of the job that checked it.
 */
export function dueJobId(firstProxyId: string, claimedAt: Date): string {
  return `due-${firstProxyId}-${claimedAt.getTime()}`;
}

/**
 * Claims the due proxies (pushing their `next_check_at` forward by the lease in the same statement) and
 * queues them as validate jobs of at most `batchSize` ids. Returns how many proxies were queued.
 */
export async function enqueueDueProxies(deps: EnqueueDueDeps, settings: EnqueueDueSettings): Promise<number> {
  const { ids, claimedAt } = await claimDueProxies(deps.db, {
    limit: settings.limit,
    leaseSeconds: settings.leaseSeconds,
  });
  if (ids.length === 0) return 0;
  const jobs = inBatches(ids, settings.batchSize).map((batch) => ({
    payload: { proxy_ids: batch },
    options: { jobId: dueJobId(batch[0]!, claimedAt) },
  }));
  await enqueueBulk(deps.validateQueue, 'validate', jobs);
  return ids.length;
}

/** Queues the proxies whose next check is due for validation. */
export const enqueueDueTask = defineMaintenanceTask({
  name: 'enqueue-due',
  every: (settings) => settings.ENQUEUE_DUE_EVERY_SECONDS * 1000,
  run: async ({ db, queues, settings }) => ({
    affected: await enqueueDueProxies(
      { db, validateQueue: queues.validate },
      {
        limit: settings.ENQUEUE_DUE_LIMIT,
        batchSize: settings.DUE_BATCH_SIZE,
        leaseSeconds: settings.CHECK_LEASE_SECONDS,
      },
    ),
  }),
});
