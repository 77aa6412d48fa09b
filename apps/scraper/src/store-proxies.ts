import {
  emptyScrapedColumns,
  pushScrapedProxy,
  runScrapedChunk,
  scrapedChunkStatement,
  type Database,
  type ScrapedChunkStatement,
  type ScrapedColumns,
} from '@proxy-pool/db';
import type { ProxyCandidate } from '@proxy-pool/plugin-contracts';
import { enqueueBulk, inBatches, type TypedQueue } from '@proxy-pool/queues';
import { isPublicAddress } from '@proxy-pool/ssrf';
import { sourceCountryOf } from './source-country.js';

export interface StoreOptions {
  allowPrivate: boolean;
  validateBatchSize: number;
  upsertConcurrency: number;
  /** How long a new proxy stays leased to the validate job queued for it (CHECK_LEASE_SECONDS). */
  claimSeconds: number;
  /** Proxies per upsert statement (SCRAPE_UPSERT_CHUNK by default). */
  chunkSize?: number;
}

export interface StoreCounts {
  /** Usable proxies the list named (after de-duplication and the address policy). */
  discovered: number;
  new: number;
  updated: number;
  /** Entries refused here: private/reserved addresses (parsers count their own invalid entries). */
  refused: number;
}

/**
 * Drops duplicates and, unless private targets are allowed, proxies at non-public addresses; what is left, as
 * the columns the upsert sends (no object per proxy: a streamed list's batches stay small in memory).
 */
export function acceptableProxies(
  candidates: readonly ProxyCandidate[],
  allowPrivate: boolean,
): { proxies: ScrapedColumns; refused: number } {
  const seen = new Set<string>();
  const proxies = emptyScrapedColumns();
  let refused = 0;
  for (const candidate of candidates) {
    if (!allowPrivate && !isPublicAddress(candidate.ip)) {
      refused++;
      continue;
    }
    const key = `${candidate.ip}|${candidate.port}|${candidate.protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pushScrapedProxy(proxies, {
      ip: candidate.ip,
      port: candidate.port,
      protocol: candidate.protocol,
      username: candidate.username,
      password: candidate.password,
      tags: candidate.tags,
      sourceCountry: sourceCountryOf(candidate.tags?.country),
    });
  }
  return { proxies, refused };
}

/**
 * Upserts the proxies batch by batch (a few statements in flight) and links them to the source. A batch is
 * read only when a lane is free to write it, so at most `upsertConcurrency` batches exist as objects at once
 * (a streamed list is held compactly until then). The built-in parsers de-duplicate across the whole list;
 * here the address policy and de-duplication are applied per batch (one statement cannot touch a row twice).
 * Each batch's new proxies are queued for validation as soon as it lands, so a crash mid-scrape loses no
 * validation work for what was already written. They are inserted leased (`claimSeconds`), so the due sweep
 * never queues them a second time while that job waits in a backlog; if the job is lost, the lease runs out
 * and the sweep picks them up.
 */
export async function storeProxyBatches(
  db: Database,
  validateQueue: TypedQueue<'validate'>,
  sourceId: string,
  batches: Iterable<readonly ProxyCandidate[]>,
  options: StoreOptions,
): Promise<StoreCounts> {
  const iterator = batches[Symbol.iterator]();
  let total = 0;
  let created = 0;
  let refused = 0;
  // The next batch, straight to its statement: the batch's objects and columns die here, before the statement's
  // round trip, instead of living through it (what outlives a wait is promoted to V8's old space; measured on a
  // million-line scrape, the scraper's peak RSS fell from 322 to 294 MiB).
  const nextStatement = (): { statement: ScrapedChunkStatement } | undefined => {
    const next = iterator.next();
    if (next.done) return undefined;
    const accepted = acceptableProxies(next.value, options.allowPrivate);
    refused += accepted.refused;
    return { statement: scrapedChunkStatement(sourceId, accepted.proxies, { claimSeconds: options.claimSeconds }) };
  };
  const lane = async () => {
    for (let next = nextStatement(); next !== undefined; next = nextStatement()) {
      const result = await runScrapedChunk(db, next.statement);
      total += result.total;
      created += result.newIds.length;
      await enqueueValidation(validateQueue, result.newIds, options.validateBatchSize);
    }
  };
  await Promise.all(Array.from({ length: options.upsertConcurrency }, lane));
  return { discovered: total, new: created, updated: total - created, refused };
}

async function enqueueValidation(
  queue: TypedQueue<'validate'>,
  ids: readonly string[],
  batchSize: number,
): Promise<void> {
  // The id of a new proxy is new, so the job id dedupes only a re-run of this very batch.
  const jobs = inBatches(ids, batchSize).map((batch) => ({
    payload: { proxy_ids: batch },
    options: { jobId: `new-${batch[0]}` },
  }));
  await enqueueBulk(queue, 'validate', jobs);
}
