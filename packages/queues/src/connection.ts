import { DependencyUnavailableError } from '@proxy-pool/dependency-errors';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type RedisCredentials } from './redis-url.js';

export type RedisRole = 'producer' | 'worker';

/** A connection to one Redis (direct or found through Sentinel) or to a Redis Cluster: every key user takes either. */
export type RedisConnection = Redis | Cluster;

const reconnectDelay = (attempt: number) => Math.min(attempt * 200, 2_000);

/**
 * Producers (the API) fail fast while Redis is down so requests answer 503 instead of hanging;
 * workers wait and reconnect forever (BullMQ requires maxRetriesPerRequest: null for blocking commands).
 * REDIS_URL picks the topology (see parseRedisUrl): one node, a cluster or a Sentinel-watched master.
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): RedisConnection {
  const options: RedisOptions = {
    lazyConnect: false,
    connectTimeout: 2_000,
    retryStrategy: reconnectDelay,
    ...extra,
    ...(role === 'producer' ? { maxRetriesPerRequest: 1, enableOfflineQueue: false } : { maxRetriesPerRequest: null }),
  };
  const target = parseRedisUrl(url);
  switch (target.kind) {
    case 'single':
      return new Redis(target.url, options);
    case 'cluster':
      return new Cluster(target.nodes, clusterOptions(options, target.credentials, target.tls));
    case 'sentinel':
      return new Redis({
        ...options,
        ...target.credentials,
        sentinels: target.sentinels,
        name: target.masterName,
        db: target.db,
        ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword }),
        ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
      });
  }
}

/**
 * The role's options apply to every node connection (BullMQ reads maxRetriesPerRequest from redisOptions);
 * the cluster itself mirrors the role: offline queue off for producers, slot-map refresh retried forever.
 */
function clusterOptions(options: RedisOptions, credentials: RedisCredentials, tls: boolean): ClusterOptions {
  return {
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    clusterRetryStrategy: reconnectDelay,
    redisOptions: { ...options, ...credentials, ...(tls ? { tls: {} } : {}) },
  };
}

/**
 * Throws DependencyUnavailableError unless the connection is ready: BullMQ waits for a lost connection to come
 * back instead of failing, so a request that must not hang checks first.
 */
export function assertRedisReady(redis: RedisConnection): void {
  if (redis.status !== 'ready')
    throw new DependencyUnavailableError('redis', `Redis is not connected (${redis.status}).`);
}

/** Resolves once the connection is ready (a fail-fast connection refuses commands until then). */
function whenReady(redis: RedisConnection): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}

/** True when Redis answers PING within `timeoutMs`. */
export async function pingRedis(redis: RedisConnection, timeoutMs = 1_500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      whenReady(redis)
        .then(() => redis.ping())
        .then(
          (reply) => reply === 'PONG',
          () => false,
        ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
