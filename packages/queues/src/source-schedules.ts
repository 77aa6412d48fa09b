import type { ExpectedScheduler, ReconcileReport, SchedulerSet } from './scheduler-sets.js';
import { reconcileSchedulerSet } from './scheduler-sets.js';
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

function sourceScheduler(source: SchedulableSource): ExpectedScheduler {
  return {
    id: sourceSchedulerId(source.id),
    repeat: { pattern: source.cronSchedule, tz: SOURCE_SCHEDULE_TZ },
    template: { name: 'scrape', data: { source_id: source.id, trigger: 'schedule' } },
  };
}

/**
 * Makes the source's job scheduler match the source: an active source gets one scheduler (upserted, so
 * repeating this is harmless and two replicas doing it at once never create two), an inactive one none.
 */
export async function syncSourceSchedule(queue: TypedQueue<'scrape'>, source: SchedulableSource): Promise<void> {
  if (!source.isActive) {
    await removeSourceSchedule(queue, source.id);
    return;
  }
  const scheduler = sourceScheduler(source);
  await queue.upsertJobScheduler(scheduler.id, scheduler.repeat, {
    name: 'scrape',
    data: { source_id: source.id, trigger: 'schedule' },
  });
}

export async function removeSourceSchedule(queue: TypedQueue<'scrape'>, sourceId: string): Promise<void> {
  await queue.removeJobScheduler(sourceSchedulerId(sourceId));
}

/** The scrape queue's source schedulers: one per active source, `source:<id>`; other schedulers are not ours. */
export function sourceSchedulerSet(
  queue: TypedQueue<'scrape'>,
  loadSources: () => Promise<readonly SchedulableSource[]>,
): SchedulerSet {
  return {
    name: 'source schedules',
    queue,
    expected: async () => (await loadSources()).filter((source) => source.isActive).map(sourceScheduler),
    owns: (id) => id.startsWith(SCHEDULER_PREFIX),
  };
}

/**
 * Repairs drift between the sources table and the scrape queue's schedulers: schedulers of deleted or inactive
 * sources go, active sources get theirs; a scheduler already matching its source is left alone so a repeat
 * does not reset its next run.
 */
export async function reconcileSourceSchedules(
  queue: TypedQueue<'scrape'>,
  loadSources: () => Promise<readonly SchedulableSource[]>,
): Promise<ReconcileReport> {
  const { upserted, unchanged, removed } = await reconcileSchedulerSet(sourceSchedulerSet(queue, loadSources));
  return { upserted, unchanged, removed };
}
