import type { Database } from '@proxy-pool/db';
import { syncSourceSchedule, type TypedQueue } from '@proxy-pool/queues';
import { loadCatalog, type CatalogEntry } from './catalog.js';
import { createScheduledSource, type ScheduleSource } from './create-source.js';

export interface ImportCatalogOptions {
  /**
   * The scrape queue: each added source gets its job scheduler at once, so running scrapers pick it up
   * without a restart. Without it the sources are scheduled by the next scraper start (its reconcile).
   */
  scrapeQueue?: TypedQueue<'scrape'> | undefined;
  /** Entries to import instead of the shipped catalog. */
  entries?: readonly CatalogEntry[] | undefined;
}

export interface ImportCatalogResult {
  added: number;
  /** Entries whose URL already had a source (imported before, or added by hand). */
  skipped: number;
}

/**
 * Adds the catalog's lists as active sources, by the same rules as `POST /sources` (one source per
 * normalised URL). Idempotent: a second run, or a concurrent one, adds nothing twice. The URL safety check
 * of `POST /sources` resolves DNS; the catalog's hosts are fixed public names, so it is skipped here (an
 * offline first start still seeds), and the scraper applies the SSRF rules on every fetch anyway.
 */
export async function importCatalog(db: Database, options: ImportCatalogOptions = {}): Promise<ImportCatalogResult> {
  const entries = options.entries ?? loadCatalog();
  const queue = options.scrapeQueue;
  const schedule: ScheduleSource | undefined = queue && ((source) => syncSourceSchedule(queue, source));
  const result: ImportCatalogResult = { added: 0, skipped: 0 };
  for (const entry of entries) {
    const row = {
      url: entry.url,
      parserName: entry.parser,
      cronSchedule: entry.schedule,
      defaultProtocol: entry.default_protocol,
      isActive: true,
    };
    const created = await createScheduledSource(db, row, schedule);
    if (created === null) result.skipped++;
    else result.added++;
  }
  return result;
}
