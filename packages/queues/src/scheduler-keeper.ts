import type { RedisConnection } from './connection.js';
import { driftedSchedulers, reconcileSchedulerSet, type ReconcileReport, type SchedulerSet } from './scheduler-sets.js';

/** The logger methods the keeper needs (a winston logger fits). */
export interface KeeperLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface SchedulerKeeperOptions {
  sets: readonly SchedulerSet[];
  /** The connection whose reconnects trigger a reconcile at once (Redis may have come back empty). */
  connection: RedisConnection;
  /** Reconcile this often even when nothing seems wrong (a FLUSHALL drops no connection). */
  everyMs: number;
  /** After a failed run (e.g. the database did not answer), try again this soon. */
  retryMs?: number;
  logger: KeeperLogger;
}

/**
 * Keeps a role's job schedulers in Redis: reconciles them at start, every `everyMs`, and whenever the Redis
 * connection is ready again after being lost. Redis without persistence comes back empty, and BullMQ has no
 * other way to bring a scheduler back. One run at a time; a trigger during a run queues one more run after it.
 */
export class SchedulerKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private stopped = false;
  private lastFailed = false;
  private runs = 0;
  /** Per set, the schedulers the last successful run put in place: readiness checks these. */
  private readonly placed = new Map<string, ReadonlySet<string>>();
  private wasDown = false;
  private readonly onDown = () => {
    this.wasDown = true;
  };
  private readonly onReady = () => {
    if (!this.wasDown) return;
    this.wasDown = false;
    this.trigger();
  };

  constructor(private readonly options: SchedulerKeeperOptions) {}

  start(): void {
    for (const event of ['end', 'close', 'error']) this.options.connection.on(event, this.onDown);
    this.options.connection.on('ready', this.onReady);
    this.trigger();
  }

  /** Reconciles now (or right after the run in progress); resolves when that run is over. */
  trigger(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.queued ??= this.running.then(() => {
        this.queued = undefined;
        return this.trigger();
      });
      return this.queued;
    }
    clearTimeout(this.timer);
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.stopped || this.queued) return;
      const delay = this.lastFailed
        ? Math.min(this.options.retryMs ?? 5_000, this.options.everyMs)
        : this.options.everyMs;
      this.timer = setTimeout(() => void this.trigger(), delay).unref();
    });
    return this.running;
  }

  /**
   * Ids of schedulers that are still wanted, were in place after the last reconcile, and that Redis now lacks
   * or holds with another rule (readiness reports them). A source added or removed since is not counted:
   * the next run takes care of it.
   */
  async missing(): Promise<string[]> {
    const drifted = await Promise.all(
      this.options.sets.map((set) => {
        const placed = this.placed.get(set.name);
        return placed === undefined ? Promise.resolve([]) : driftedSchedulers(set, placed);
      }),
    );
    return drifted.flat();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const event of ['end', 'close', 'error']) this.options.connection.off(event, this.onDown);
    this.options.connection.off('ready', this.onReady);
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    try {
      const reports: Record<string, Omit<ReconcileReport, 'wanted'>> = {};
      for (const set of this.options.sets) {
        const { wanted = [], ...counts } = await reconcileSchedulerSet(set);
        this.placed.set(set.name, new Set(wanted));
        reports[set.name] = counts;
      }
      const changed = Object.values(reports).some((report) => report.upserted + report.removed > 0);
      // Quiet when nothing changed: this runs every minute on every replica.
      if (changed || this.lastFailed || this.runs === 0) logger.info('job schedulers reconciled', { ...reports });
      this.lastFailed = false;
      this.runs++;
    } catch (error) {
      if (!this.lastFailed)
        logger.warn('job scheduler reconcile failed, retrying', { error: (error as Error).message });
      this.lastFailed = true;
    }
  }
}
