import { redact } from '@proxy-pool/logger';
import type { RedisConnection } from '@proxy-pool/queues';

export interface NotifierHealth {
  name: string;
  healthy: boolean;
  consecutive_failures: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
}

export interface NotifierHealthOptions {
  /** The queue prefix: health lives beside the queues of the same deployment. */
  prefix: string;
  /** Unhealthy after this many failed deliveries in a row (default 3). */
  unhealthyAfter?: number;
  /** A notifier with no delivery for this long starts afresh (default 30 days). */
  ttlSeconds?: number;
}

const MAX_ERROR_LENGTH = 500;

/**
 * Delivery outcomes per notifier, one Redis hash each (`<prefix>:notifier-health:<name>`), shared by every
 * replica: consecutive_failures, last_success_at, last_failure_at, last_error. A success resets the streak.
 */
export class NotifierHealthStore {
  readonly unhealthyAfter: number;
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: NotifierHealthOptions,
  ) {
    this.unhealthyAfter = options.unhealthyAfter ?? 3;
    this.ttlSeconds = options.ttlSeconds ?? 30 * 24 * 3600;
  }

  key(name: string): string {
    return `${this.options.prefix}:notifier-health:${name}`;
  }

  async recordSuccess(name: string, at = new Date()): Promise<void> {
    const key = this.key(name);
    await this.redis
      .multi()
      .hset(key, { consecutive_failures: 0, last_success_at: at.toISOString() })
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async recordFailure(name: string, error: string, at = new Date()): Promise<void> {
    const key = this.key(name);
    const message = String(redact(error)).slice(0, MAX_ERROR_LENGTH);
    await this.redis
      .multi()
      .hincrby(key, 'consecutive_failures', 1)
      .hset(key, { last_failure_at: at.toISOString(), last_error: message })
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async read(name: string): Promise<NotifierHealth> {
    const hash = await this.redis.hgetall(this.key(name));
    const failures = Number(hash.consecutive_failures ?? 0);
    return {
      name,
      healthy: failures < this.unhealthyAfter,
      consecutive_failures: failures,
      last_success_at: hash.last_success_at ?? null,
      last_failure_at: hash.last_failure_at ?? null,
      last_error: hash.last_error ?? null,
    };
  }

  async readMany(names: readonly string[]): Promise<NotifierHealth[]> {
    return Promise.all(names.map((name) => this.read(name)));
  }
}
