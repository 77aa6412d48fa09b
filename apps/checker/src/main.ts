import { processEnvironment } from '@proxy-pool/config';
import { createLogger, type Logger } from '@proxy-pool/logger';
import { installShutdown, startWorkerHealth } from '@proxy-pool/worker-runtime';
import { openChecker, type CheckerApp, type CheckerOptions } from './checker.js';
import { loadCheckerConfig } from './config.js';
import { privateJudgeProblem } from './public-judge.js';

export interface RunningChecker {
  checker: CheckerApp;
  /** Undefined when started without a health server. */
  healthPort: number | undefined;
  /** Stops taking jobs, lets active ones finish (within DRAIN_MS), closes connections and the health port. */
  stop: () => Promise<void>;
}

/** Starts the checker role: the validate and url-test workers, own-IP learning, the health port. */
export async function startChecker(
  env: Record<string, string | undefined>,
  options: Partial<CheckerOptions> = {},
  runtime: { healthServer?: boolean } = {},
): Promise<RunningChecker> {
  const config = loadCheckerConfig(env);
  const logger: Logger =
    options.logger ??
    createLogger({
      service: 'checker',
      level: config.LOG_LEVEL,
      pretty: config.NODE_ENV === 'development' && process.stdout.isTTY,
    });
  const checker = await openChecker(config, { ...options, logger });
  const health = await startWorkerHealth({
    enabled: runtime.healthServer ?? true,
    port: config.HEALTH_PORT,
    host: config.HEALTH_HOST,
    workers: Object.values(checker.workers),
    isReady: () => checker.isReady(),
    registry: checker.metrics.registry,
  }).catch(async (error: unknown) => {
    await checker.close();
    throw error;
  });
  const healthPort = health.port;
  logger.info('checker started', {
    concurrency: checker.semaphore.limit,
    job_concurrency: config.VALIDATE_JOB_CONCURRENCY,
    judge_url: config.JUDGE_URL,
    health_port: healthPort,
    queue_prefix: config.QUEUE_PREFIX,
  });
  const stop = async () => {
    await checker.close();
    await health.close();
  };
  return { checker, healthPort, stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadCheckerConfig();
  const judgeProblem = await privateJudgeProblem(config.JUDGE_URL, config.ALLOW_PRIVATE_TARGETS);
  if (judgeProblem) {
    process.stderr.write(`checker refuses to start: ${judgeProblem}\n`);
    process.exit(78);
  }
  const logger = createLogger({ service: 'checker', level: config.LOG_LEVEL });
  const { checker, stop } = await startChecker(processEnvironment(), { logger, defaultMetrics: true });
  installShutdown({
    logger,
    drainMs: config.DRAIN_MS,
    steps: [
      { name: 'stop taking jobs and finish active ones', run: () => checker.stopWorkers(config.DRAIN_MS) },
      { name: 'close connections', run: stop },
    ],
  });
}
