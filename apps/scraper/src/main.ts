import { processEnvironment } from '@proxy-pool/config';
import { createLogger, type Logger } from '@proxy-pool/logger';
import { installShutdown, startWorkerHealth } from '@proxy-pool/worker-runtime';
import { loadScraperConfig } from './config.js';
import { openScraper, type Scraper, type ScraperOptions } from './scraper.js';

export interface RunningScraper {
  scraper: Scraper;
  /** Undefined when started without a health server. */
  healthPort: number | undefined;
  /** Stops taking jobs, lets active ones finish, closes connections and the health port. */
  stop: () => Promise<void>;
}

/** Starts the scraper role: the scrape worker, the scheduler keeper, the health port. */
export async function startScraper(
  env: Record<string, string | undefined>,
  options: Partial<ScraperOptions> = {},
  runtime: { healthServer?: boolean } = {},
): Promise<RunningScraper> {
  const config = loadScraperConfig(env);
  const logger: Logger =
    options.logger ??
    createLogger({
      service: 'scraper',
      level: config.LOG_LEVEL,
      pretty: config.NODE_ENV === 'development' && process.stdout.isTTY,
    });
  const scraper = openScraper(config, { ...options, logger });
  const health = await startWorkerHealth({
    enabled: runtime.healthServer ?? true,
    port: config.HEALTH_PORT,
    host: config.HEALTH_HOST,
    workers: [scraper.worker],
    isReady: () => scraper.isReady(),
    registry: scraper.metrics.registry,
  }).catch(async (error: unknown) => {
    await scraper.close();
    throw error;
  });
  scraper.schedules.start();
  const healthPort = health.port;
  logger.info('scraper started', {
    concurrency: config.SCRAPER_CONCURRENCY,
    health_port: healthPort,
    queue_prefix: config.QUEUE_PREFIX,
  });
  const stop = async () => {
    await scraper.close();
    await health.close();
  };
  return { scraper, healthPort, stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadScraperConfig();
  const logger = createLogger({ service: 'scraper', level: config.LOG_LEVEL });
  const { scraper, stop } = await startScraper(processEnvironment(), { logger, defaultMetrics: true });
  installShutdown({
    logger,
    drainMs: config.DRAIN_MS,
    steps: [
      { name: 'stop taking jobs and finish active ones', run: () => scraper.stopWorker() },
      { name: 'close connections', run: stop },
    ],
  });
}
