import { DependencyUnavailableError } from '@proxy-pool/dependency-errors';
import { assertRedisReady } from '@proxy-pool/queues';
import type { ApiContext } from '../context.js';

/** Longest a queue operation may take before the request answers 503 (BullMQ waits for Redis forever). */
const QUEUE_OP_TIMEOUT_MS = 3_000;

/**
 * Runs a BullMQ operation only while Redis is connected, and answers 503 if it does not finish in time.
 * BullMQ queues wait for a lost connection to come back instead of failing, which would hang the request.
 */
export async function withQueue<T>(
  ctx: ApiContext,
  operation: () => Promise<T>,
  timeoutMs = QUEUE_OP_TIMEOUT_MS,
): Promise<T> {
  assertRedisReady(ctx.redis);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DependencyUnavailableError('redis', `A queue operation took over ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([operation(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
