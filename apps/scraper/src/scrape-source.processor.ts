import { SCRAPE_UPSERT_CHUNK, type Database } from '@proxy-pool/db';
import { redact, type Logger } from '@proxy-pool/logger';
import { parsePlaintextStream, plaintextParser } from '@proxy-pool/parsers';
import type { ParseContext, ProxyCandidate, SourceParser } from '@proxy-pool/plugin-contracts';
import {
  inBatches,
  removeSourceSchedule,
  UnrecoverableError,
  type Processor,
  type ScrapeResult,
  type TypedQueue,
} from '@proxy-pool/queues';
import { createSourceStreamer, SourceFetchError, type FetchLimits, type SourceStream } from './fetch-source.js';
import { recordFailure, recordSuccess } from './source-health.js';
import { storeProxyBatches, type StoreOptions } from './store-proxies.js';

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

/** A parsed list: its candidates (de-duplicated across the whole list) in batches, and the entries skipped. */
interface ParsedList {
  batches(size: number): Iterable<readonly ProxyCandidate[]>;
  skipped: number;
}

/**
 * Parses the body as it arrives when the parser can (the built-in plaintext parser: one proxy per line),
 * keeping the candidates compact and never the body, so a list of millions of lines stays within a bounded
 * memory; any other parser reads the whole body (at most SCRAPE_MAX_BYTES). Nothing is written before the
 * body has been read to its end, so a body over the cap, or one that stalls, still writes nothing.
 */
async function readList(stream: SourceStream, parser: SourceParser, context: ParseContext): Promise<ParsedList> {
  if (parser === plaintextParser) {
    const { candidates, skipped } = await parsePlaintextStream(stream.chunks, context);
    return { batches: (size) => candidates.batches(size), skipped };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream.chunks) chunks.push(chunk);
  const { proxies, skipped } = parser.parse(Buffer.concat(chunks, stream.bytes()).toString('utf8'), context);
  return { batches: (size) => inBatches(proxies, size), skipped };
}

/**
 * One scrape: fetch, parse with the source's parser, upsert, record health. A failure is recorded on the
 * source and then thrown, so the job ends failed in BullMQ while the worker goes on to the next job.
 */
export function createScrapeProcessor(deps: ScrapeDeps): Processor<'scrape'> {
  const openSource = createSourceStreamer(deps.fetch);
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
      const parser = deps.parsers.find((candidate) => candidate.name === source.parserName);
      if (parser === undefined) throw new ScrapeFailure(`parser ${source.parserName} is not registered`);
      const stream = openSource(source.url);
      const parsed = await readList(stream, parser, { defaultProtocol: source.defaultProtocol });
      const parsedAt = performance.now();
      const counts = await storeProxyBatches(
        deps.db,
        deps.queues.validate,
        source.id,
        parsed.batches(deps.store.chunkSize ?? SCRAPE_UPSERT_CHUNK),
        deps.store,
      );
      const result: ScrapeResult = {
        source_id: source.id,
        proxies_discovered: counts.discovered,
        proxies_new: counts.new,
        proxies_updated: counts.updated,
        proxies_skipped: parsed.skipped + counts.refused,
        duration_ms: Math.round(performance.now() - started),
      };
      await recordSuccess(health, result, redact(source.url) as string);
      // A streamed list is parsed while it arrives: fetch_parse_ms covers both.
      const phases = {
        fetch_parse_ms: Math.round(parsedAt - started),
        store_ms: Math.round(performance.now() - parsedAt),
      };
      log.info('scrape completed', { ...result, ...phases, bytes: stream.bytes(), parser: parser.name });
      return result;
    } catch (error) {
      const message =
        error instanceof SourceFetchError || error instanceof ScrapeFailure
          ? error.message
          : `scrape failed: ${(error as Error)?.message ?? String(error)}`;
      await recordFailure(health, source.id, message).catch((recordError: unknown) =>
        log.error('failure not recorded', { error: recordError }),
      );
      log.warn('scrape failed', { error: message, duration_ms: Math.round(performance.now() - started) });
      throw new Error(message);
    }
  };
}
