import { isConnectionError } from '@proxy-pool/dependency-errors';
import type { RedisConnection } from './connection.js';
import { redisUnavailable } from './errors.js';

/** The logger methods the watch needs (a winston logger fits). */
export interface WatchLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface DependencyWatchOptions {
  /** The dependency's name in log lines: `redis`, `postgres`. */
  dependency: string;
  logger: WatchLogger;
  /** While the dependency stays down, one summary line this often. */
  summaryEveryMs?: number;
  /** True when the dependency answers again (checked before each summary: a recovery no event reported). */
  isUp?: () => boolean;
}

/**
 * True for errors that say Redis cannot be reached rather than that a command was wrong: a socket that could not
 * connect or broke (by its Node error code), or ioredis giving up on or refusing a command for want of a
 * connection (the classification `redisUnavailable` applies to commands).
 */
export function isUnreachableError(error: unknown): boolean {
  return isConnectionError(error) || redisUnavailable(error) !== null;
}

function errorCode(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'UNKNOWN';
}

/**
 * Turns a dependency's error storm into state changes. While Redis is down, ioredis and every BullMQ queue
 * and worker on it report each failed reconnect (dozens a second); the log gets one line when the dependency
 * goes down (with the error code), one summary a minute while it stays down (how long, how many errors were
 * suppressed), and one line when it is back.
 */
export class DependencyWatch {
  private downSince: number | undefined;
  private lastCode = '';
  private suppressedSinceSummary = 0;
  private suppressedTotal = 0;
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DependencyWatchOptions) {}

  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  /** An error reaching the dependency: the first of an outage is logged, the rest counted. */
  failed(error: unknown): void {
    this.lastCode = errorCode(error);
    if (this.downSince !== undefined) {
      this.suppressedSinceSummary++;
      this.suppressedTotal++;
      return;
    }
    this.downSince = Date.now();
    const message = (error as { message?: unknown } | undefined)?.message;
    this.options.logger.warn('dependency down', {
      dependency: this.options.dependency,
      code: this.lastCode,
      error: typeof message === 'string' ? message : String(error),
    });
    this.summaryTimer = setInterval(() => this.summarise(), this.options.summaryEveryMs ?? 60_000);
    this.summaryTimer.unref();
  }

  /** The dependency answers again. */
  recovered(): void {
    if (this.downSince === undefined) return;
    this.options.logger.info('dependency back up', {
      dependency: this.options.dependency,
      down_ms: Date.now() - this.downSince,
      errors_suppressed: this.suppressedTotal,
    });
    this.reset();
  }

  close(): void {
    clearInterval(this.summaryTimer);
  }

  private summarise(): void {
    if (this.downSince === undefined) return;
    if (this.options.isUp?.()) {
      this.recovered();
      return;
    }
    this.options.logger.warn('dependency still down', {
      dependency: this.options.dependency,
      code: this.lastCode,
      down_ms: Date.now() - this.downSince,
      errors_suppressed: this.suppressedSinceSummary,
    });
    this.suppressedSinceSummary = 0;
  }

  private reset(): void {
    clearInterval(this.summaryTimer);
    this.summaryTimer = undefined;
    this.downSince = undefined;
    this.suppressedSinceSummary = 0;
    this.suppressedTotal = 0;
  }
}

/** A watch over one Redis connection: its errors and its `ready` drive the state. */
export function watchRedis(
  redis: RedisConnection,
  options: Omit<DependencyWatchOptions, 'dependency' | 'isUp'> & { dependency?: string },
): DependencyWatch {
  const watch = new DependencyWatch({ dependency: 'redis', ...options, isUp: () => redis.status === 'ready' });
  redis.on('error', (error) => watch.failed(error));
  redis.on('ready', () => watch.recovered());
  return watch;
}

/**
 * An `error` listener for BullMQ queues and workers: unreachable-Redis errors (and anything while Redis is
 * known to be down) count towards the outage; other errors go to `log` as they come. Every queue needs one:
 * BullMQ prints the errors of a queue without an `error` listener to the console.
 */
export function dependencyErrorHandler(watch: DependencyWatch, log: (error: Error) => void): (error: Error) => void {
  return (error) => {
    if (watch.isDown || isUnreachableError(error)) watch.failed(error);
    else log(error);
  };
}
