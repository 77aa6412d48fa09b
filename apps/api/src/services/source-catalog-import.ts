import type { Database } from '@proxy-pool/db';
import { redact } from '@proxy-pool/logger';
import { createQueue, createRedis, pingRedis } from '@proxy-pool/queues';
import { importCatalog, type CatalogEntry, type ImportCatalogResult } from '@proxy-pool/source-catalog';
import type { ApiConfig } from '../config.js';

/**
 * Imports the source catalog and schedules every added source on the scrape queue at once, so a running
 * scraper picks it up without a restart. Refuses to start while Redis is unreachable (an unscheduled source
 * would wait for the next scraper start): nothing is written then.
 */
export async function importCatalogNow(
  db: Database,
  config: Pick<ApiConfig, 'REDIS_URL' | 'QUEUE_PREFIX'>,
  entries?: readonly CatalogEntry[],
): Promise<ImportCatalogResult> {
  const redis = createRedis(config.REDIS_URL, 'producer');
  redis.on('error', () => undefined); // reported below as one clear message, not as connection noise
  const scrapeQueue = createQueue('scrape', { connection: redis, prefix: config.QUEUE_PREFIX });
  try {
    if (!(await pingRedis(redis)))
      throw new Error(
        `Redis at ${redact(config.REDIS_URL) as string} does not answer: nothing imported (sources are scheduled as they are added).`,
      );
    return await importCatalog(db, { scrapeQueue, entries });
  } finally {
    await scrapeQueue.close().catch(() => undefined);
    redis.disconnect();
  }
}
