import { createDatabase } from '@proxy-pool/db';
import { createLogger, type Logger } from '@proxy-pool/logger';
import { createQueue, createRedis, type QueueContext } from '@proxy-pool/queues';
import type { ApiConfig } from './config.js';
import type { ApiContext } from './context.js';
import { readVersion } from './version.js';
import { KeyHolderCache } from './services/key-holder-cache.js';
import { LocalCache } from './services/local-cache.js';
import { closeJobEvents } from './services/job-events.js';
import { createApiMetrics, observeSharedState } from './http/metrics.js';

/** Opens the API's connections. Nothing here waits for PostgreSQL or Redis: /health reports them. */
export function openApiContext(config: ApiConfig, logger?: Logger): ApiContext {
  const log =
    logger ??
    createLogger({
      service: 'api',
      level: config.LOG_LEVEL,
      pretty: config.NODE_ENV === 'development' && process.stdout.isTTY,
    });
  const redis = createRedis(config.REDIS_URL, 'producer');
  redis.on('error', (error) => log.debug('redis error', { error: error.message }));
  const queueContext: QueueContext = { connection: redis, prefix: config.QUEUE_PREFIX };
  const db = createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const ctx: ApiContext = {
    config,
    logger: log,
    db,
    redis,
    queueContext,
    queues: {
      scrape: createQueue('scrape', queueContext),
      validate: createQueue('validate', queueContext),
      urlTest: createQueue('urlTest', queueContext),
      siteCheck: createQueue('siteCheck', queueContext),
      maintenance: createQueue('maintenance', queueContext),
      events: createQueue('events', queueContext),
      notify: createQueue('notify', queueContext),
    },
    version: readVersion(),
    metrics: createApiMetrics(),
    // At most 256 answers of up to ~80 KB (limit=200): a bounded ~20 MB, plenty for one second's distinct queries.
    proxyPages: new LocalCache<Buffer>(config.PROXY_PAGE_CACHE_MS, 256),
    keyHolders: new KeyHolderCache(db, config.DATABASE_URL, config.KEY_CACHE_MS),
  };
  // BullMQ reports connection errors on each queue; the fail-fast connection already logs them once.
  for (const queue of Object.values(ctx.queues))
    queue.on('error', (error: Error) => log.debug('queue error', { queue: queue.name, error: error.message }));
  observeSharedState(ctx);
  return ctx;
}

export async function closeApiContext(ctx: ApiContext): Promise<void> {
  await closeJobEvents(ctx);
  const queuesClosed = Promise.allSettled(Object.values(ctx.queues).map((queue) => queue.close()));
  await Promise.race([queuesClosed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  ctx.redis.disconnect();
  await ctx.keyHolders.close();
  await ctx.db.$disconnect();
}
