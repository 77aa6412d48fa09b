import type { Database } from '@proxy-pool/db';
import { redact, type Logger } from '@proxy-pool/logger';
import type { SourceParser } from '@proxy-pool/plugin-contracts';
import { removeSourceSchedule, UnrecoverableError, type Processor, type ScrapeResult, type TypedQueue } from '@proxy-pool/queues';
import { createSourceFetcher, SourceFetchError, type FetchLimits } from './fetch-source.js';
import { recordFailure, recordSuccess } from './source-health.js';
import { storeProxies, type StoreOptions } from './store-proxies.js';

export interface ScrapeDeps {
  db: Database;
  logger: Logger;
  parsers: readonly SourceParser[];
  queues: { scrape: TypedQueue<'scrape'>; validate: TypedQueue<'validate'>; events: TypedQueue<'events'> };
  fetch: FetchLimits;
  store: StoreOptions;
  failingAfter: number;
}

/** A scrape failure whose message is the source's `last_error`. */
class ScrapeFailure extends Error {}

/**
 * One scrape: fetch, parse with the source's parser, upsert, record health. A failure is recorded on the
 * source and then thrown, so the job ends failed in BullMQ while the worker goes on to the next job.
 */
export function createScrapeProcessor(deps: ScrapeDeps): Processor<'scrape'> {
  const fetchSource = createSourceFetcher(deps.fetch);
  const health = { db: deps.db, eventsQueue: deps.queues.events, logger: deps.logger, failingAfter: deps.failingAfter };
  return async (payload, job) => {
    const log = deps.logger.child({ job_id: job.id, source_id: payload.source_id, trigger: payload.trigger });
    const source = await deps.db.source.findUnique({ where: { id: payload.source_id } });
    if (source === null || (payload.trigger === 'schedule' && !source.isActive)) {
      // A scheduler that outlived its source (or its activity): remove it rather than fail on every tick.
      if (payload.trigger === 'schedule') await removeSourceSchedule(deps.queues.scrape, payload.source_id);
      throw new UnrecoverableError(source === null ? 'source not found' : 'source is inactive');
    }
    const started = performance.now();
    try {
      const body = await fetchSource(source.url);
      const fetched = performance.now();
      const parser = deps.parsers.find((candidate) => candidate.name === source.parserName);
      if (parser === undefined) throw new ScrapeFailure(`parser ${source.parserName} is not registered`);
      const parsed = parser.parse(body.text, { defaultProtocol: source.defaultProtocol });
      const parsedAt = performance.now();
      const counts = await storeProxies(deps.db, deps.queues.validate, source.id, parsed.proxies, deps.store);
      const result: ScrapeResult = {
        source_id: source.id,
        proxies_discovered: counts.discovered,
        proxies_new: counts.new,
        proxies_updated: counts.updated,
        proxies_skipped: parsed.skipped + counts.refused,
        duration_ms: Math.round(performance.now() - started),
      };
      await recordSuccess(health, result, redact(source.url) as string);
      const phases = { fetch_ms: Math.round(fetched - started), parse_ms: Math.round(parsedAt - fetched), store_ms: Math.round(performance.now() - parsedAt) };
      log.info('scrape completed', { ...result, ...phases, bytes: body.bytes, parser: parser.name });
      return result;
    } catch (error) {
      const message = error instanceof SourceFetchError || error instanceof ScrapeFailure ? error.message : `scrape failed: ${(error as Error)?.message ?? String(error)}`;
      await recordFailure(health, source.id, message).catch((recordError: unknown) => log.error('failure not recorded', { error: recordError }));
      log.warn('scrape failed', { error: message, duration_ms: Math.round(performance.now() - started) });
      throw new Error(message);
    }
  };
}
