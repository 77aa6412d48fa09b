import type { ApiContext } from '../context.js';

const inFlight = new Map<string, Promise<unknown>>();

interface Entry<T> {
  value: T;
  /** When it was computed (ms since the epoch). */
  at: number;
}

export interface CacheOptions<T> {
  /** Fresh for this long; 0 computes every time. */
  ttlSeconds: number;
  /** Past its TTL, an entry is still served for this long while one caller recomputes it in the background. */
  staleSeconds?: number;
  /** Values failing this are served but not stored (e.g. cheap small counts, kept exact). */
  worthCaching?: (value: T) => boolean;
}

/**
 * A value computed at most once per TTL across API replicas (kept in Redis as JSON), and at most once at a
 * time per process (concurrent misses share one computation). A Redis failure only costs the cache.
 */
export async function cachedJson<T>(
  ctx: ApiContext,
  name: string,
  options: CacheOptions<T>,
  compute: () => Promise<T>,
): Promise<T> {
  if (options.ttlSeconds <= 0) return compute();
  const key = `${ctx.config.QUEUE_PREFIX}:cache:${name}`;
  const refresh = () => {
    const running = inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const computation = compute()
      .then(async (value) => {
        if (options.worthCaching?.(value) ?? true) {
          const entry: Entry<T> = { value, at: Date.now() };
          const keepSeconds = options.ttlSeconds + (options.staleSeconds ?? 0);
          await ctx.redis.set(key, JSON.stringify(entry), 'EX', keepSeconds).catch(() => undefined);
        }
        return value;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, computation);
    return computation;
  };
  const raw = await ctx.redis.get(key).catch(() => null);
  if (raw === null) return refresh();
  const entry = JSON.parse(raw) as Entry<T>;
  if (Date.now() - entry.at >= options.ttlSeconds * 1000) refresh().catch(() => undefined);
  return entry.value;
}
