import { enqueue, type ScrapeResult } from '@proxy-pool/queues';
import type { ApiContext } from '../context.js';
import { jobEvents } from './job-events.js';
import { AppError } from '../errors.js';
import type { ScrapeQueued, ScrapeResultView } from '../openapi/responses/sources.responses.js';
import { withQueue } from './queue-guard.js';
import { findSource } from './sources.service.js';

export type ManualScrapeAnswer = { status: 200; body: ScrapeResultView } | { status: 202; body: ScrapeQueued };

/** The job's result as the spec words it: without `proxies_skipped`. */
const answer = ({ proxies_skipped: _skipped, ...body }: ScrapeResult): ManualScrapeAnswer => ({ status: 200, body });

/**
 * Queues a scrape now (the same job the schedule runs) and waits for it up to SCRAPE_WAIT_MS: its result,
 * 502 SCRAPE_FAILED with the scraper's error, or 202 with the job id when it is still queued or running.
 */
export async function scrapeSourceNow(ctx: ApiContext, sourceId: string): Promise<ManualScrapeAnswer> {
  const source = await findSource(ctx, sourceId);
  const job = await withQueue(ctx, () =>
    enqueue(ctx.queues.scrape, 'scrape', { source_id: source.id, trigger: 'manual' }),
  );
  const jobId = String(job.id);
  const waitMs = ctx.config.SCRAPE_WAIT_MS;
  if (waitMs > 0) {
    try {
      return answer(await job.waitUntilFinished(jobEvents(ctx, 'scrape'), waitMs));
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
