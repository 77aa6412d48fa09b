import type { JobsOptions } from 'bullmq';
import { QUEUES, type PayloadOf, type QueueKey } from './definitions.js';
import type { TypedQueue } from './typed-queues.js';

export interface BulkJob<K extends QueueKey> {
  payload: PayloadOf<K>;
  options?: JobsOptions;
}

/** Jobs one `addBulk` call carries: one Redis round trip each, without one huge MULTI. */
const BULK_CHUNK = 100;

/**
 * Adds many jobs after checking every payload against the queue's schema (nothing reaches Redis when one is
 * bad), `BULK_CHUNK` jobs per round trip. Jobs with ids already queued are skipped by BullMQ, so repeating a
 * call is harmless. Returns how many jobs were handed to Redis.
 */
export async function enqueueBulk<K extends QueueKey>(
  queue: TypedQueue<K>,
  key: K,
  jobs: readonly BulkJob<K>[],
): Promise<number> {
  const schema = QUEUES[key].payload;
  const prepared = jobs.map((job) => ({ name: key, data: schema.parse(job.payload), opts: job.options }));
  // BullMQ's generic name types are stricter than needed for our single-name queues.
  const untyped = queue as unknown as { addBulk(jobs: unknown[]): Promise<unknown[]> };
  for (let start = 0; start < prepared.length; start += BULK_CHUNK)
    await untyped.addBulk(prepared.slice(start, start + BULK_CHUNK));
  return prepared.length;
}

/** `items` cut into consecutive slices of at most `size` (the last one shorter). */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
