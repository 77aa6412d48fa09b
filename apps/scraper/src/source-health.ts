import { recordScrapeFailure, recordScrapeSuccess, type Database } from '@proxy-pool/db';
import { redact, type Logger } from '@proxy-pool/logger';
import { buildEvent, publishEvent, type PoolEvent, type ScrapeResult, type TypedQueue } from '@proxy-pool/queues';

export interface HealthDeps {
  db: Database;
  eventsQueue: TypedQueue<'events'>;
  logger: Logger;
  failingAfter: number;
}

/** Never fails: an event that cannot be queued must not turn a finished scrape into a failed one. */
const raise = (deps: HealthDeps, event: PoolEvent) => publishEvent(deps.eventsQueue, event, deps.logger);

/** Records a successful scrape on the source and raises `scrape.completed`. */
export async function recordSuccess(deps: HealthDeps, result: ScrapeResult, url: string): Promise<void> {
  await recordScrapeSuccess(deps.db, result.source_id, {
    discovered: result.proxies_discovered,
    new: result.proxies_new,
    skipped: result.proxies_skipped ?? 0,
  });
  await raise(deps, buildEvent('scrape.completed', { ...result, url }));
}

/**
 * Records a failed scrape. The streak is counted in the database (atomic across replicas); the run that
 * makes it reach the threshold raises `source.failing` once, not every run after it.
 */
export async function recordFailure(deps: HealthDeps, sourceId: string, error: string): Promise<void> {
  const row = await recordScrapeFailure(deps.db, sourceId, error);
  if (row === null || row.consecutiveFailures !== deps.failingAfter) return;
  await raise(
    deps,
    buildEvent('source.failing', {
      source_id: sourceId,
      url: redact(row.url) as string,
      consecutive_failures: row.consecutiveFailures,
      last_error: error,
    }),
  );
}
