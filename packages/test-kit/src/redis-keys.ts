/** The two Redis commands clearing a prefix needs (an ioredis client has both). */
export interface KeyStore {
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
}

/** Deletes every key under `prefix:` (a run's queues, schedules and caches) once the run is over. */
export async function clearKeys(redis: KeyStore, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}
