import { claimDueProxies, type Database } from '@proxy-pool/db';
import { QUEUES, type TypedQueue } from '@proxy-pool/queues';
import type { JobsOptions } from 'bullmq';

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
  const { ids, claimedAt } = await claimDueProxies(deps.db, { limit: settings.limit, leaseSeconds: settings.leaseSeconds });
  if (ids.length === 0) return 0;
  const jobs: Array<{ name: string; data: { proxy_ids: string[] }; opts: JobsOptions }> = [];
  for (let start = 0; start < ids.length; start += settings.batchSize) {
    const batch = ids.slice(start, start + settings.batchSize);
    const data = QUEUES.validate.payload.parse({ proxy_ids: batch });
    jobs.push({ name: 'validate', data, opts: { jobId: dueJobId(batch[0]!, claimedAt) } });
  }
  // BullMQ's generic name types are stricter than needed for a single-name queue.
  const queue = deps.validateQueue as unknown as { addBulk(jobs: unknown[]): Promise<unknown[]> };
  for (let start = 0; start < jobs.length; start += 100) await queue.addBulk(jobs.slice(start, start + 100));
  return ids.length;
}
