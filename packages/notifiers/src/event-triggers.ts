import { buildEvent, type PoolEvent, type RedisConnection } from '@proxy-pool/queues';

/**
 * The credit events a balance change raises, on crossings only: `credits.depleted` when it reaches 0,
 * otherwise `credits.low` when it falls from `lowThreshold` or above to below it. A balance that stays
 * low raises nothing more, so an acquire loop does not flood the user.
 */
export function creditEvents(userId: string, before: number, after: number, lowThreshold: number): PoolEvent[] {
  if (after <= 0 && before > 0) return [buildEvent('credits.depleted', { balance: 0 }, userId)];
  if (after > 0 && after < lowThreshold && before >= lowThreshold)
    return [buildEvent('credits.low', { balance: after, threshold: lowThreshold }, userId)];
  return [];
}

/**
 * Compares the active proxy count with the threshold and remembers the level in Redis, shared by every
 * replica: `proxy.pool_low` is returned only by the check that sees the pool go from ok (or unknown) to low.
 * The pool counts as recovered once it is back at the threshold or above.
 */
export async function watchPoolLevel(
  redis: RedisConnection,
  prefix: string,
  activeProxies: number,
  threshold: number,
): Promise<PoolEvent | null> {
  const level = activeProxies < threshold ? 'low' : 'ok';
  // SET … GET swaps atomically: two replicas checking at once cannot both see the crossing.
  const previous = await redis.set(`${prefix}:pool-level`, level, 'GET');
  if (level === 'low' && previous !== 'low')
    return buildEvent('proxy.pool_low', { active_proxies: activeProxies, threshold });
  return null;
}
