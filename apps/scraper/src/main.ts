import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processEnvironment } from '@proxy-pool/config';
import { createLogger, type Logger } from '@proxy-pool/logger';
import { Heartbeat, installShutdown, startHealthServer } from '@proxy-pool/worker-runtime';
import { loadScraperConfig } from './config.js';
import { openScraper, type Scraper, type ScraperOptions } from './scraper.js';

export interface RunningScraper {
  scraper: Scraper;
  healthPort: number;
  /** Stops taking jobs, lets active ones finish, closes connections and the health port. */
  stop: () => Promise<void>;
}

/** Starts the scraper role: the scrape worker, the scheduler keeper, the health port. */
export async function startScraper(
  env: Record<string, string | undefined>,
  options: Partial<ScraperOptions> = {},
): Promise<RunningScraper> {
  const config = loadScraperConfig(env);
  const logger: Logger =
    options.logger ?? createLogger({ service: 'scraper', level: config.LOG_LEVEL, pretty: config.NODE_ENV === 'development' && process.stdout.isTTY });
  const scraper = openScraper(config, { ...options, logger });
  const heartbeat = new Heartbeat();
  scraper.worker.on('completed', () => heartbeat.beat());
  scraper.worker.on('failed', () => heartbeat.beat());
  const health: Server = await startHealthServer(
    config.HEALTH_PORT,
    {
      isLive: () => heartbeat.isLive(),
      isReady: () => scraper.isReady(),
      metrics: async () => ({ contentType: scraper.metrics.registry.contentType, body: await scraper.metrics.registry.metrics() }),
    },
    config.HEALTH_HOST,
  );
  scraper.schedules.start();
  const healthPort = (health.address() as AddressInfo).port;
  logger.info('scraper started', { concurrency: config.SCRAPER_CONCURRENCY, health_port: healthPort, queue_prefix: config.QUEUE_PREFIX });
  const stop = async () => {
    heartbeat.stop();
    await scraper.close();
    await new Promise<void>((resolve) => health.close(() => resolve()));
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
