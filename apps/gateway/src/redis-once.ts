import type { RedisConnection } from '@proxy-pool/queues';
import { GatewayError } from './gateway-error.js';

export interface OnceOptions {
  /** The lock's lifetime, and how long a caller waits for another replica before giving up. */
  lockMs: number;
  /** How often a waiting caller looks again. */
  stepMs: number;
  /** The 503's message when the wait runs out. */
  busyMessage: string;
}

/**
 * Something every replica shares and only one should make: `look` finds it; when it is missing, one caller at
 * a time (a Redis lock under `lockKey`) looks again and then `make`s it, while the others wait and look again.
 */
export async function lookOrMakeOnce<T>(
  redis: RedisConnection,
  lockKey: string,
  options: OnceOptions,
  look: () => Promise<T | undefined>,
  make: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + options.lockMs;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    const token = `${process.pid}:${Math.random()}`;
    if ((await redis.set(lockKey, token, 'PX', options.lockMs, 'NX')) === 'OK') {
      try {
        // Another replica may have made it between our look and our lock.
        return (await look()) ?? (await make());
      } finally {
        if ((await redis.get(lockKey)) === token) await redis.del(lockKey);
      }
    }
    if (Date.now() > deadline) throw new GatewayError('SERVICE_UNAVAILABLE', options.busyMessage);
    await new Promise((resolve) => setTimeout(resolve, options.stepMs));
  }
}
