import { insertSource, type Database, type NewSourceRow, type Source } from '@proxy-pool/db';

/** Makes the scrape queue's scheduler match a freshly stored source. */
export type ScheduleSource = (source: Source) => Promise<void>;

/**
 * Stores a source (URL normalised, one per URL: null when that URL is taken, however many callers race),
 * then schedules it. Committed first, scheduled second: the scraper's reconcile relies on that order. A
 * source whose scheduling fails is removed again, so a source never sits unscheduled after an error.
 */
export async function createScheduledSource(
  db: Database,
  row: NewSourceRow,
  schedule?: ScheduleSource,
): Promise<Source | null> {
  const source = await insertSource(db, row);
  if (source === null || schedule === undefined) return source;
  try {
    await schedule(source);
  } catch (error) {
    await db.source.deleteMany({ where: { id: source.id } }).catch(() => undefined);
    throw error;
  }
  return source;
}
