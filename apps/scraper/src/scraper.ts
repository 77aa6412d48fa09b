import type { LookupFunction } from 'node:net';
import { createDatabase, listSourceSchedules, type Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import { builtinParsers } from '@proxy-pool/parsers';
import type { SourceParser } from '@proxy-pool/plugin-contracts';
import {
  createQueue,
  createRedis,
  createWorker,
  dependencyErrorHandler,
  logWorkerEvents,
  reconcileSourceSchedules,
  SchedulerKeeper,
  sourceSchedulerSet,
  watchRedis,
  type PayloadOf,
  type QueueContext,
  type ReconcileReport,
  type RedisConnection,
  type ResultOf,
  type TypedQueue,
} from '@proxy-pool/queues';
import { observeWorkerJobs, type Readiness } from '@proxy-pool/worker-runtime';
import type { Worker } from 'bullmq';
import type { ScraperConfig } from './config.js';
import { createScraperMetrics, type ScraperMetrics } from './metrics.js';
import { startHousekeeping, type Housekeeping } from './housekeeping.js';
import { scraperReadiness } from './readiness.js';
import { createScrapeProcessor } from './scrape-source.processor.js';

/** The parsers this app registers: the built-ins, in their auto-detection order. */
export const scraperParsers: readonly SourceParser[] = builtinParsers;

export interface ScraperOptions {
  logger: Logger;
  parsers?: readonly SourceParser[];
  /** Test seam: resolve source host names without the SSRF resolver (literal-IP checks stay on). */
  dnsLookup?: LookupFunction;
  /** Collect Node's default process metrics (only the process's main instance should). */
  defaultMetrics?: boolean;
}

export interface Scraper {
  worker: Worker<PayloadOf<'scrape'>, ResultOf<'scrape'>>;
  /** Maintenance and notification workers. */
  housekeeping: Housekeeping;
  queues: {
    scrape: TypedQueue<'scrape'>;
    validate: TypedQueue<'validate'>;
    events: TypedQueue<'events'>;
    siteCheck: TypedQueue<'siteCheck'>;
  };
  db: Database;
  redis: RedisConnection;
  metrics: ScraperMetrics;
  /** Keeps the source and maintenance schedulers in Redis (started by `startScraper`). */
  schedules: SchedulerKeeper;
  /** Reconciles the source schedulers once. */
  reconcileSchedules(): Promise<ReconcileReport>;
  /** Redis and PostgreSQL answer and every job scheduler this role keeps is in Redis. */
  isReady(): Promise<Readiness>;
  /** Stops taking jobs and waits for active ones (BullMQ hands back whatever a forced exit leaves). */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the scraper's connections and starts its `scrape` worker. */
export function openScraper(config: ScraperConfig, options: ScraperOptions): Scraper {
  const { logger } = options;
  const redis = createRedis(config.REDIS_URL, 'worker');
  const redisWatch = watchRedis(redis, { logger, summaryEveryMs: config.DEPENDENCY_SUMMARY_EVERY_MS });
  const context: QueueContext = { connection: redis, prefix: config.QUEUE_PREFIX };
  const db = createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const queues = {
    scrape: createQueue('scrape', context),
    validate: createQueue('validate', context),
    events: createQueue('events', context),
    siteCheck: createQueue('siteCheck', context),
  };
  const metrics = createScraperMetrics(options.defaultMetrics);
  const processor = createScrapeProcessor({
    db,
    logger,
    parsers: options.parsers ?? scraperParsers,
    queues,
    fetch: {
      timeoutMs: config.SCRAPE_TIMEOUT_MS,
      maxBytes: config.SCRAPE_MAX_BYTES,
      maxRedirects: config.SCRAPE_MAX_REDIRECTS,
      allowPrivate: config.ALLOW_PRIVATE_TARGETS,
      dnsLookup: options.dnsLookup,
    },
    store: {
      allowPrivate: config.ALLOW_PRIVATE_TARGETS,
      validateBatchSize: config.VALIDATE_BATCH_SIZE,
      upsertConcurrency: config.SCRAPE_UPSERT_CONCURRENCY,
      claimSeconds: config.CHECK_LEASE_SECONDS,
    },
    failingAfter: config.SOURCE_FAILING_AFTER,
  });
  const worker = createWorker(
    'scrape',
    async (payload, job) => {
      const timer = metrics.duration.startTimer();
      try {
        const result = await processor(payload, job);
        metrics.scrapes.inc({ outcome: 'completed' });
        metrics.proxiesNew.inc(result.proxies_new);
        return result;
      } catch (error) {
        metrics.scrapes.inc({ outcome: 'failed' });
        throw error;
      } finally {
        timer();
      }
    },
    context,
    {
      concurrency: config.SCRAPER_CONCURRENCY,
      lockDuration: config.SCRAPE_LOCK_DURATION_MS,
      stalledInterval: config.SCRAPE_STALLED_INTERVAL_MS,
    },
  );
  // Failed scrapes are counted (metrics) and recorded on the source: their lines are debug only.
  logWorkerEvents(worker, { name: 'scrape', logger, watch: redisWatch, failedLevel: 'debug' });
  const onQueueError = dependencyErrorHandler(redisWatch, (error) =>
    logger.warn('queue error', { error: error.message }),
  );
  for (const queue of Object.values(queues)) queue.on('error', onQueueError);
  const housekeeping = startHousekeeping({ config, context, db, logger, queues, onQueueError });
  const sourceSchedules = sourceSchedulerSet(queues.scrape, () => listSourceSchedules(db));
  const schedules = new SchedulerKeeper({
    sets: housekeeping.schedulers ? [sourceSchedules, housekeeping.schedulers] : [sourceSchedules],
    connection: redis,
    everyMs: config.SCHEDULER_RECONCILE_EVERY_MS,
    logger,
  });
  observeWorkerJobs(metrics.registry, [worker, ...housekeeping.workers]);
  let workerStopped: Promise<void> | undefined;
  const stopWorker = () =>
    (workerStopped ??= Promise.all([worker.close(), housekeeping.close()]).then(() => undefined));
  return {
    worker,
    housekeeping,
    queues,
    db,
    redis,
    metrics,
    schedules,
    reconcileSchedules: () => reconcileSourceSchedules(queues.scrape, () => listSourceSchedules(db)),
    isReady: () => scraperReadiness(redis, db, schedules),
    stopWorker,
    close: async () => {
      await schedules.stop();
      await stopWorker();
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      redisWatch.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
