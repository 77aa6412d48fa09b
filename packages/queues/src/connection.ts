import { DependencyUnavailableError } from '@proxy-pool/dependency-errors';
import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'producer' | 'worker';

/**
 * Producers (the API) fail fast while Redis is down so requests answer 503 instead of hanging;
 * workers wait and reconnect forever (BullMQ requires maxRetriesPerRequest: null for blocking commands).
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    lazyConnect: false,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...extra,
  };
  return role === 'producer'
    ? new Redis(url, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : new Redis(url, { ...common, maxRetriesPerRequest: null });
}

/**
 * Throws DependencyUnavailableError unless the connection is ready: BullMQ waits for a lost connection to come
 * back instead of failing, so a request that must not hang checks first.
 */
export function assertRedisReady(redis: Redis): void {
  if (redis.status !== 'ready') throw new DependencyUnavailableError('redis', `Redis is not connected (${redis.status}).`);
}

/** Resolves once the connection is ready (a fail-fast connection refuses commands until then). */
function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}

/** True when Redis answers PING within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 1_500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      whenReady(redis).then(() => redis.ping()).then((reply) => reply === 'PONG', () => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
