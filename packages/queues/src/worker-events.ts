import type { Job, Worker } from 'bullmq';
import { dependencyErrorHandler, type DependencyWatch } from './dependency-watch.js';

/** The logger methods worker event lines need (a winston logger fits). */
export interface WorkerEventLogger {
  warn(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export interface WorkerEventOptions<D> {
  /** The worker's name in its lines: `scrape` logs `scrape worker error` and `scrape job failed`. */
  name: string;
  logger: WorkerEventLogger;
  /** Counts unreachable-Redis errors towards one outage instead of a line each (see `dependencyErrorHandler`). */
  watch?: DependencyWatch;
  /** Receives the worker's `error` events instead of the default line (a role sharing one handler). */
  onError?: (error: Error) => void;
  /** Level of the `job failed` line: `debug` where failures are expected and counted elsewhere. */
  failedLevel?: 'warn' | 'debug';
  /** Fields of the failed job's data worth a place in its line (e.g. the maintenance task). */
  describeJob?: (data: D) => Record<string, unknown>;
}

/**
 * Logs a worker's `error` and `failed` events, the same way in every role. Every worker needs an `error`
 * listener: BullMQ prints the errors of a worker without one to the console.
 */
export function logWorkerEvents<D, R, N extends string>(worker: Worker<D, R, N>, options: WorkerEventOptions<D>): void {
  const { name, logger } = options;
  const logError = (error: Error) => logger.warn(`${name} worker error`, { error: error.message });
  const onError = options.onError ?? (options.watch ? dependencyErrorHandler(options.watch, logError) : logError);
  worker.on('error', onError);
  worker.on('failed', (job: Job<D, R, N> | undefined, error: Error) => {
    const described = job && options.describeJob ? options.describeJob(job.data) : {};
    logger[options.failedLevel ?? 'warn'](`${name} job failed`, {
      job_id: job?.id,
      ...described,
      error: error.message,
    });
  });
}
