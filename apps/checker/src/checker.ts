import {
  createExitNetworkChecker,
  createGeoipChecker,
  createHttpAnonymityChecker,
  createTlsIntegrityChecker,
  tcpConnectChecker,
} from '@proxy-pool/checkers';
import { createDatabase, openCheckStore, pingDatabase, readJudgeTlsFingerprint, type Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import type { Checker } from '@proxy-pool/plugin-contracts';
import {
  buildEvent,
  createQueue,
  createRedis,
  createWorker,
  publishEvent,
  logWorkerEvents,
  pingRedis,
  watchRedis,
  type QueueContext,
  type RedisConnection,
} from '@proxy-pool/queues';
import { observeWorkerJobs } from '@proxy-pool/worker-runtime';
import type { Worker } from 'bullmq';
import { EventLoopAdmission } from './admission.js';
import type { CheckerConfig } from './config.js';
import { effectiveConcurrency, openFileLimit } from './fd-limit.js';
import { scoringFromConfig } from './figures.js';
import { createCheckerMetrics, registerAdmissionMetrics, type CheckerMetrics } from './metrics.js';
import { JudgePins } from './judge-pins.js';
import { OwnIpTracker } from './own-ip.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { privateProxyRefusal } from './proxy-address-policy.js';
import { databaseBatchWriter, ResultWriter } from './result-writer.js';
import { Semaphore } from './semaphore.js';
import { createSiteCheckProcessor } from './site-check/site-check.processor.js';
import { createUrlTestProcessor } from './url-test/url-test.processor.js';
import { createValidateProcessor } from './validate.processor.js';

/** Connections of the hot path's own pool (claims and result batches are few and large). */
const CHECK_POOL_SIZE = 4;

export interface CheckerOptions {
  logger: Logger;
  /** Replaces the built-in checker list (tests, custom deployments). */
  checkers?: (ownIps: () => readonly string[]) => Checker[] | Promise<Checker[]>;
  /** Collect Node's default process metrics (only the process's main instance should). */
  defaultMetrics?: boolean;
}

/**
 * The checker plugins this app registers, in one explicit list: tcp_connect, http_anonymity, geoip, exit_network,
 * and tls_integrity unless it is off (JUDGE_TLS_PORT=0 without a JUDGE_TLS_TARGET).
 */
export async function builtinCheckerList(
  config: CheckerConfig,
  ownIps: () => readonly string[],
  judgePins: () => readonly string[] = () => config.JUDGE_TLS_FINGERPRINT,
): Promise<Checker[]> {
  const geoip = createGeoipChecker({ mmdbPath: config.MMDB_PATH });
  const exitNetwork = createExitNetworkChecker({ asnMmdbPath: config.ASN_MMDB_PATH });
  await Promise.all([geoip.load(), exitNetwork.load()]);
  return [
    tcpConnectChecker,
    createHttpAnonymityChecker({ judgeUrl: config.JUDGE_URL, secret: config.JUDGE_SECRET, ownIps }),
    geoip,
    exitNetwork,
    ...tlsIntegrity(config, judgePins),
  ];
}

/** The judge's TLS listener as proxies reach it: JUDGE_TLS_TARGET, or JUDGE_URL's host on JUDGE_TLS_PORT (0: none). */
export function judgeTlsTarget(config: CheckerConfig): string | undefined {
  if (config.JUDGE_TLS_TARGET !== undefined) return config.JUDGE_TLS_TARGET;
  if (config.JUDGE_TLS_PORT === 0) return undefined;
  return `${new URL(config.JUDGE_URL).hostname}:${config.JUDGE_TLS_PORT}`;
}

function tlsIntegrity(config: CheckerConfig, pins: () => readonly string[]): Checker[] {
  const target = judgeTlsTarget(config);
  return target === undefined
    ? []
    : [createTlsIntegrityChecker({ target, pins, everyMs: config.TLS_CHECK_EVERY_MINUTES * 60_000 })];
}

export interface CheckerApp {
  workers: { validate: Worker; urlTest: Worker; siteCheck: Worker };
  db: Database;
  redis: RedisConnection;
  metrics: CheckerMetrics;
  semaphore: Semaphore;
  pipeline: Pipeline;
  ownIp: OwnIpTracker;
  /** Resolves once the own IP is known and the validate worker takes jobs. */
  validating: Promise<void>;
  isReady(): Promise<boolean>;
  /** Stops taking jobs and lets active ones finish; checks still running `drainMs` minus a margin later are abandoned. */
  stopWorkers(drainMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens the checker's connections and starts its `url-test` worker, then its `validate` worker once its own IP is known. */
export async function openChecker(config: CheckerConfig, options: CheckerOptions): Promise<CheckerApp> {
  const { logger } = options;
  const concurrency = effectiveConcurrency(config.CHECKER_CONCURRENCY, openFileLimit());
  if (concurrency < config.CHECKER_CONCURRENCY)
    logger.warn('checker concurrency capped by the open-file limit', {
      wanted: config.CHECKER_CONCURRENCY,
      effective: concurrency,
    });
  const ownIp = new OwnIpTracker({
    judgeUrl: config.JUDGE_URL,
    secret: config.JUDGE_SECRET,
    refreshMs: config.OWN_IP_REFRESH_MINUTES * 60_000,
    logger,
    allowPrivate: config.ALLOW_PRIVATE_TARGETS,
  });
  const judgePins = new JudgePins({
    configured: config.JUDGE_TLS_FINGERPRINT,
    readStored: () => readJudgeTlsFingerprint(db.pool),
    logger,
  });
  const checkers = options.checkers
    ? await options.checkers(ownIp.current)
    : await builtinCheckerList(config, ownIp.current, judgePins.current);
  const refuseAddress = privateProxyRefusal(config.ALLOW_PRIVATE_TARGETS);
  const pipeline = createPipeline(checkers, {
    connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
    totalTimeoutMs: config.TOTAL_TIMEOUT_MS,
    refuseAddress,
  });
  const admission = new EventLoopAdmission({ thresholdMs: config.CHECKER_ADMISSION_MAX_DELAY_MS });
  const semaphore = new Semaphore(concurrency, admission.enabled ? admission : undefined);
  const metrics = createCheckerMetrics(
    () => semaphore.inFlight,
    () => semaphore.waiting,
    options.defaultMetrics,
  );
  registerAdmissionMetrics(metrics.registry, admission);
  const redis = createRedis(config.REDIS_URL, 'worker');
  const redisWatch = watchRedis(redis, { logger, summaryEveryMs: config.DEPENDENCY_SUMMARY_EVERY_MS });
  const context: QueueContext = { connection: redis, prefix: config.QUEUE_PREFIX };
  const db = createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const store = openCheckStore(config.DATABASE_URL, CHECK_POOL_SIZE);
  const events = createQueue('events', context);
  events.on('error', () => undefined);
  const writer = new ResultWriter(
    databaseBatchWriter(store, scoringFromConfig(config), {
      windowMinutes: config.REFUND_WINDOW_MINUTES,
      onRefunds: (refunds) => {
        for (const { leaseId, userId, proxyId, amount, balance } of refunds) {
          metrics.leasesRefunded.inc();
          const data = { lease_id: leaseId, proxy_id: proxyId, amount, balance };
          void publishEvent(events, buildEvent('lease.refunded', data, userId), logger);
        }
      },
    }),
    {
      batchSize: config.RESULT_BATCH_SIZE,
      flushMs: config.RESULT_FLUSH_MS,
    },
  );
  const abandon = new AbortController();
  const validate = createWorker(
    'validate',
    createValidateProcessor({
      store,
      pipeline,
      semaphore,
      writer,
      leaseMs: config.CHECK_LEASE_SECONDS * 1000,
      abandon: abandon.signal,
      onValidation: (result) =>
        metrics.recordValidation({
          passed: result.outcome.passed,
          durationMs: result.durationMs,
          checks: result.checks,
        }),
    }),
    context,
    {
      concurrency: config.VALIDATE_JOB_CONCURRENCY,
      autorun: false,
      lockDuration: config.VALIDATE_LOCK_DURATION_MS,
      stalledInterval: config.VALIDATE_STALLED_INTERVAL_MS,
    },
  );
  const urlTest = createWorker(
    'urlTest',
    createUrlTestProcessor({ db, allowPrivate: config.ALLOW_PRIVATE_TARGETS, refuseAddress }),
    context,
    {
      concurrency: config.URL_TEST_JOB_CONCURRENCY,
    },
  );
  urlTest.on('completed', () => metrics.urlTests.inc());
  const siteCheck = createWorker(
    'siteCheck',
    createSiteCheckProcessor({
      db,
      allowPrivate: config.ALLOW_PRIVATE_TARGETS,
      refuseAddress,
      semaphore: new Semaphore(config.SITE_CHECK_CONCURRENCY),
      timeoutMs: config.TOTAL_TIMEOUT_MS,
      bodyLimit: config.SITE_CHECK_BODY_LIMIT_BYTES,
      regexTimeoutMs: config.SITE_CHECK_REGEX_TIMEOUT_MS,
    }),
    context,
    { concurrency: config.SITE_CHECK_JOB_CONCURRENCY },
  );
  observeWorkerJobs(metrics.registry, [validate, urlTest, siteCheck]);
  logWorkerEvents(validate, { name: 'validate', logger, watch: redisWatch });
  logWorkerEvents(urlTest, { name: 'urlTest', logger, watch: redisWatch });
  logWorkerEvents(siteCheck, { name: 'siteCheck', logger, watch: redisWatch });
  let stopping = false;
  const validating = Promise.all([ownIp.start(), judgePins.start()]).then(() => {
    if (stopping) return;
    admission.start();
    void validate
      .run()
      .catch((error: unknown) => logger.error('validate worker stopped', { error: (error as Error).message }));
    logger.info('validate worker running', {
      own_ips: ownIp.current(),
      concurrency,
      admission_max_delay_ms: config.CHECKER_ADMISSION_MAX_DELAY_MS,
    });
  });
  let stopped: Promise<void> | undefined;
  const stopWorkers = (drainMs: number) =>
    (stopped ??= (async () => {
      stopping = true;
      ownIp.stop();
      judgePins.stop();
      const margin = Math.min(5_000, drainMs / 2);
      const timer = setTimeout(() => abandon.abort(), Math.max(0, drainMs - margin));
      try {
        await Promise.all([validate.close(), urlTest.close(), siteCheck.close()]);
      } finally {
        clearTimeout(timer);
        admission.stop();
      }
      await writer.drain();
    })());
  return {
    workers: { validate, urlTest, siteCheck },
    db,
    redis,
    metrics,
    semaphore,
    pipeline,
    ownIp,
    validating,
    isReady: async () => ownIp.known && (await Promise.all([pingRedis(redis), pingDatabase(db)])).every(Boolean),
    stopWorkers,
    close: async () => {
      await stopWorkers(config.DRAIN_MS);
      redisWatch.close();
      await events.close().catch(() => undefined);
      redis.disconnect();
      await Promise.allSettled([db.$disconnect(), store.close()]);
    },
  };
}
