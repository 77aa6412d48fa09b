import type { QueueEvents } from 'bullmq';
import { createQueueEvents, createRedis, type QueueKey, type RedisConnection } from '@proxy-pool/queues';
import type { ApiContext } from '../context.js';

interface Listener {
  connection: RedisConnection;
  events: QueueEvents;
}

const listenersByContext = new WeakMap<ApiContext, Map<QueueKey, Listener>>();

/**
 * QueueEvents for waiting on a job's result (manual scrapes, URL tests). It blocks on a Redis stream, so it
 * gets a connection of its own (worker role: it waits out a Redis restart instead of failing); opened by the
 * first wait, not at API start.
 */
export function jobEvents(ctx: ApiContext, key: QueueKey): QueueEvents {
  let listeners = listenersByContext.get(ctx);
  if (listeners === undefined) {
    listeners = new Map();
    listenersByContext.set(ctx, listeners);
  }
  let listener = listeners.get(key);
  if (listener === undefined) {
    const connection = createRedis(ctx.config.REDIS_URL, 'worker');
    connection.on('error', (error) =>
      ctx.logger.debug('queue events redis error', { queue: key, error: error.message }),
    );
    listener = { connection, events: createQueueEvents(key, { connection, prefix: ctx.config.QUEUE_PREFIX }) };
    listener.events.on('error', (error) =>
      ctx.logger.debug('queue events error', { queue: key, error: error.message }),
    );
    listeners.set(key, listener);
  }
  return listener.events;
}

/** Closes every QueueEvents the context opened (on shutdown, after the HTTP server stops). */
export async function closeJobEvents(ctx: ApiContext): Promise<void> {
  const listeners = listenersByContext.get(ctx);
  if (listeners === undefined) return;
  listenersByContext.delete(ctx);
  for (const listener of listeners.values()) {
    // Closing waits for Redis; during an outage, give up after a moment and drop the connection.
    await Promise.race([
      listener.events.close().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
    listener.connection.disconnect();
  }
}
