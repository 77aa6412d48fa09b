import type { Queue } from 'bullmq';

/** One job scheduler as it should be: its id, its repeat rule, and the job it adds. */
export interface ExpectedScheduler {
  id: string;
  repeat: { pattern: string; tz: string } | { every: number };
  template: { name: string; data: Record<string, unknown> };
}

/**
 * A group of schedulers one role keeps in Redis: the schedulers it wants (read fresh each time, e.g. from the
 * sources table) and which existing scheduler ids are its own (those it may remove when no longer wanted).
 */
export interface SchedulerSet {
  name: string;
  queue: Pick<Queue, 'getJobSchedulers' | 'upsertJobScheduler' | 'removeJobScheduler'>;
  expected(): Promise<readonly ExpectedScheduler[]>;
  owns(schedulerId: string): boolean;
}

export interface ReconcileReport {
  upserted: number;
  unchanged: number;
  removed: number;
  /** Ids of the schedulers the set wanted in this run. */
  wanted?: string[];
}

interface StoredScheduler {
  key: string;
  pattern?: string | null | undefined;
  tz?: string | null | undefined;
  every?: number | string | null | undefined;
}

/** True when the stored scheduler already repeats as wanted (upserting it again would reset its next run). */
function matches(stored: StoredScheduler | undefined, wanted: ExpectedScheduler): boolean {
  if (stored === undefined) return false;
  if ('every' in wanted.repeat) return Number(stored.every) === wanted.repeat.every && !stored.pattern;
  return stored.pattern === wanted.repeat.pattern && stored.tz === wanted.repeat.tz;
}

async function storedSchedulers(set: SchedulerSet): Promise<Map<string, StoredScheduler>> {
  const existing = (await set.queue.getJobSchedulers(0, -1)) as StoredScheduler[];
  return new Map(existing.map((scheduler) => [scheduler.key, scheduler]));
}

/**
 * Makes the queue's schedulers match the set: owned schedulers nobody wants go, wanted ones that are missing or
 * repeat differently are upserted, and matching ones are left alone (their next run stays). Cheap when nothing
 * changed: one read of the schedulers, one `expected()`.
 *
 * Schedulers are read before the wanted list: a producer that commits a source before upserting its scheduler
 * then never has a fresh scheduler removed as unwanted.
 */
export async function reconcileSchedulerSet(set: SchedulerSet): Promise<ReconcileReport> {
  const stored = await storedSchedulers(set);
  const wanted = new Map((await set.expected()).map((scheduler) => [scheduler.id, scheduler]));
  const report: ReconcileReport = { upserted: 0, unchanged: 0, removed: 0, wanted: [...wanted.keys()] };
  for (const id of stored.keys()) {
    if (!set.owns(id) || wanted.has(id)) continue;
    await set.queue.removeJobScheduler(id);
    report.removed++;
  }
  for (const scheduler of wanted.values()) {
    if (matches(stored.get(scheduler.id), scheduler)) {
      report.unchanged++;
      continue;
    }
    await set.queue.upsertJobScheduler(scheduler.id, scheduler.repeat, scheduler.template);
    report.upserted++;
  }
  return report;
}

/**
 * Ids of wanted schedulers that are missing from Redis or repeat differently, among `among` when given (e.g.
 * those a reconcile already put in place: a source created a moment ago is not missing yet).
 */
export async function driftedSchedulers(set: SchedulerSet, among?: ReadonlySet<string>): Promise<string[]> {
  const stored = await storedSchedulers(set);
  const wanted = await set.expected();
  return wanted
    .filter(
      (scheduler) => (among === undefined || among.has(scheduler.id)) && !matches(stored.get(scheduler.id), scheduler),
    )
    .map((scheduler) => scheduler.id);
}
