import type { TypedQueue } from './typed-queues.js';

/** What scheduling needs to know about a source. */
export interface SchedulableSource {
  id: string;
  cronSchedule: string;
  isActive: boolean;
}

const SCHEDULER_PREFIX = 'source:';
/** Cron patterns are read in UTC whatever the host's time zone, so replicas in different zones agree. */
export const SOURCE_SCHEDULE_TZ = 'UTC';

export const sourceSchedulerId = (sourceId: string): string => `${SCHEDULER_PREFIX}${sourceId}`;

/**
 * Makes the source's job scheduler match the source: an active source gets one scheduler (upserted, so
 * repeating this is harmless and two replicas doing it at once never create two), an inactive one none.
 */
export async function syncSourceSchedule(queue: TypedQueue<'scrape'>, source: SchedulableSource): Promise<void> {
  if (!source.isActive) {
    await removeSourceSchedule(queue, source.id);
    return;
  }
  await queue.upsertJobScheduler(
    sourceSchedulerId(source.id),
    { pattern: source.cronSchedule, tz: SOURCE_SCHEDULE_TZ },
    { name: 'scrape', data: { source_id: source.id, trigger: 'schedule' } },
  );
}

export async function removeSourceSchedule(queue: TypedQueue<'scrape'>, sourceId: string): Promise<void> {
  await queue.removeJobScheduler(sourceSchedulerId(sourceId));
}

export interface ReconcileReport {
  upserted: number;
  unchanged: number;
  removed: number;
}

/**
 * Repairs drift between the sources table and the scrape queue's schedulers (run at scraper start-up):
 * schedulers of deleted or inactive sources go, active sources get theirs; a scheduler already matching
 * its source is left alone so a restart does not reset its next run.
 *
 * Schedulers are read before sources: the API commits a source before upserting its scheduler, so any
 * scheduler seen here belongs to a source the later read sees, and a concurrent create is never undone.
 */
export async function reconcileSourceSchedules(
  queue: TypedQueue<'scrape'>,
  loadSources: () => Promise<readonly SchedulableSource[]>,
): Promise<ReconcileReport> {
  const existing = await queue.getJobSchedulers(0, -1);
  const sources = await loadSources();
  const wanted = new Map(sources.filter((source) => source.isActive).map((source) => [sourceSchedulerId(source.id), source]));
  const report: ReconcileReport = { upserted: 0, unchanged: 0, removed: 0 };
  const current = new Map<string, { pattern?: string | undefined; tz?: string | undefined }>();
  for (const scheduler of existing) {
    if (!scheduler.key.startsWith(SCHEDULER_PREFIX)) continue;
    if (wanted.has(scheduler.key)) {
      current.set(scheduler.key, scheduler);
    } else {
      await queue.removeJobScheduler(scheduler.key);
      report.removed++;
    }
  }
  for (const [id, source] of wanted) {
    const scheduler = current.get(id);
    if (scheduler?.pattern === source.cronSchedule && scheduler.tz === SOURCE_SCHEDULE_TZ) {
      report.unchanged++;
      continue;
    }
    await syncSourceSchedule(queue, source);
    report.upserted++;
  }
  return report;
}
