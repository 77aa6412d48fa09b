import { baseConfigShape, dependencyLogSettingsShape, envBoolean, envInt, loadConfig, z } from '@proxy-pool/config';
import { maintenanceSettingsShape } from '@proxy-pool/maintenance';
import { notifierSettingsShape } from '@proxy-pool/notifiers';

export const scraperConfigSchema = z.object({
  ...baseConfigShape,
  /** Scrape jobs one process runs at once. */
  SCRAPER_CONCURRENCY: envInt(4, 1, 64),
  HEALTH_PORT: envInt(9101, 0, 65535),
  HEALTH_HOST: z.string().default('0.0.0.0'),
  /** Whole-request limit for fetching a source list (connect, redirects and body). */
  SCRAPE_TIMEOUT_MS: envInt(30_000, 100),
  /** A body larger than this (after decompression) fails the scrape; nothing is written. */
  SCRAPE_MAX_BYTES: envInt(50 * 1024 * 1024, 1024),
  SCRAPE_MAX_REDIRECTS: envInt(5, 0, 20),
  /** Upsert statements of one scrape in flight at once. */
  SCRAPE_UPSERT_CONCURRENCY: envInt(2, 1, 8),
  /** Consecutive failed scrapes after which `source.failing` is raised. */
  SOURCE_FAILING_AFTER: envInt(3, 1, 1000),
  /** New proxies per validate job. */
  VALIDATE_BATCH_SIZE: envInt(500, 1, 1000),
  /** BullMQ job lock: a worker that stops renewing it (crashed) loses its jobs to another after this long. */
  SCRAPE_LOCK_DURATION_MS: envInt(30_000, 1000),
  /** How often the worker looks for jobs whose lock expired (stalled) and hands them back. */
  SCRAPE_STALLED_INTERVAL_MS: envInt(30_000, 500),
  /** SIGTERM: time allowed to finish active jobs before exiting anyway. */
  DRAIN_MS: envInt(25_000, 0),
  /**
   * How often the job schedulers (source crons, maintenance) are compared with Redis and repaired: Redis
   * restarted without persistence (or flushed) loses them, and nothing else brings them back. Also done at
   * once whenever the Redis connection comes back.
   */
  SCHEDULER_RECONCILE_EVERY_MS: envInt(60_000, 100, 3_600_000),
  ...dependencyLogSettingsShape,
  /** Run the maintenance worker and its schedulers (off for scrape-only processes, e.g. tests). */
  MAINTENANCE_ENABLED: envBoolean(true),
  ...maintenanceSettingsShape,
  ...notifierSettingsShape,
});

export type ScraperConfig = z.infer<typeof scraperConfigSchema>;

export function loadScraperConfig(env: Record<string, string | undefined> = process.env): ScraperConfig {
  return loadConfig(scraperConfigSchema, env);
}
