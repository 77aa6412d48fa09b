import type { Redis } from 'ioredis';

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

/** Socket-level codes that mean "the dependency cannot be reached", whatever client raised them. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * True for errors that say a connection is missing rather than that a command was wrong: a socket error code,
 * ioredis giving up on a command (MaxRetriesPerRequestError) or refusing one on a closed connection (a plain
 * Error whose only mark is its message, ioredis's CONNECTION_CLOSED_ERROR_MSG).
 */
export function isUnreachableError(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: errors raised by Node's sockets may come from another realm (vm contexts).
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  return name === 'MaxRetriesPerRequestError' || message === 'Connection is closed.';
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
    this.options.logger.warn('dependency down', { dependency: this.options.dependency, code: this.lastCode, error: typeof message === 'string' ? message : String(error) });
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
export function watchRedis(redis: Redis, options: Omit<DependencyWatchOptions, 'dependency' | 'isUp'> & { dependency?: string }): DependencyWatch {
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
