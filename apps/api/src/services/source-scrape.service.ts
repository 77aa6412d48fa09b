import type { QueueEvents } from 'bullmq';
import { createQueueEvents, createRedis, enqueue, type ScrapeResult } from '@proxy-pool/queues';
import type { Redis } from 'ioredis';
import type { ApiContext } from '../context.js';
import { AppError } from '../errors.js';
import { withQueue } from './queue-guard.js';
import { findSource } from './sources.service.js';

export type ManualScrapeAnswer =
  | { status: 200; body: Omit<ScrapeResult, 'proxies_skipped'> }
  | { status: 202; body: { job_id: string; status: 'queued' } };

interface Listener {
  connection: Redis;
  events: QueueEvents;
}

const listeners = new WeakMap<ApiContext, Listener>();

/**
 * QueueEvents blocks on a Redis stream, so it gets a connection of its own (worker role: it waits out a
 * Redis restart instead of failing). Created on the first manual scrape, not at API start.
 */
function scrapeEvents(ctx: ApiContext): QueueEvents {
  let listener = listeners.get(ctx);
  if (listener === undefined) {
    const connection = createRedis(ctx.config.REDIS_URL, 'worker');
    connection.on('error', (error) => ctx.logger.debug('queue events redis error', { error: error.message }));
    listener = { connection, events: createQueueEvents('scrape', { connection, prefix: ctx.config.QUEUE_PREFIX }) };
    listener.events.on('error', (error) => ctx.logger.debug('queue events error', { error: error.message }));
    listeners.set(ctx, listener);
  }
  return listener.events;
}

/** Closes what manual scrapes opened (called on shutdown, after the HTTP server stops). */
export async function closeSourceScrapes(ctx: ApiContext): Promise<void> {
  const listener = listeners.get(ctx);
  if (listener === undefined) return;
  listeners.delete(ctx);
  await listener.events.close().catch(() => undefined);
  listener.connection.disconnect();
}

const answer = (result: ScrapeResult): ManualScrapeAnswer => ({
  status: 200,
  body: {
    source_id: result.source_id,
    proxies_discovered: result.proxies_discovered,
    proxies_new: result.proxies_new,
    proxies_updated: result.proxies_updated,
    duration_ms: result.duration_ms,
  },
});

/**
 * Queues a scrape now (the same job the schedule runs) and waits for it up to SCRAPE_WAIT_MS: its result,
 * 502 SCRAPE_FAILED with the scraper's error, or 202 with the job id when it is still queued or running.
 */
export async function scrapeSourceNow(ctx: ApiContext, sourceId: string): Promise<ManualScrapeAnswer> {
  const source = await findSource(ctx, sourceId);
  const job = await withQueue(ctx, () => enqueue(ctx.queues.scrape, 'scrape', { source_id: source.id, trigger: 'manual' }));
  const jobId = String(job.id);
  const waitMs = ctx.config.SCRAPE_WAIT_MS;
  if (waitMs > 0) {
    try {
      return answer(await job.waitUntilFinished(scrapeEvents(ctx), waitMs));
    } catch {
      // Failed, or still running when the wait ended: the job's state tells which.
    }
  }
  const state = await withQueue(ctx, () => job.getState());
  if (state === 'completed' || state === 'failed') {
    const finished = await withQueue(ctx, () => ctx.queues.scrape.getJob(jobId));
    if (state === 'completed' && finished?.returnvalue) return answer(finished.returnvalue);
    const error = finished?.failedReason ?? 'unknown error';
    throw new AppError('SCRAPE_FAILED', `The scrape failed: ${error}`, { source_id: source.id, job_id: jobId, error });
  }
  return { status: 202, body: { job_id: jobId, status: 'queued' } };
}
