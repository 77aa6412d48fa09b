import { causeChain, DependencyUnavailableError } from '@proxy-pool/dependency-errors';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors/index.js';
import { CONNECTION_CLOSED_ERROR_MSG } from 'ioredis/built/utils/index.js';

/**
 * What ioredis rejects a command with when the connection cannot carry it. ioredis has no class for these two:
 * it tells "connection closed" apart by comparing with its own exported message constant, and a fail-fast
 * connection (no offline queue) refuses commands while disconnected with this fixed text.
 */
const OFFLINE_QUEUE_REFUSAL = "Stream isn't writeable and enableOfflineQueue options is false";
/** The same refusal from a Redis Cluster connection while it has no slot map (no node answers). */
const CLUSTER_OFFLINE_QUEUE_REFUSAL = "Cluster isn't ready and enableOfflineQueue options is false";

/** ioredis reports socket failures on its 'error' event; commands are rejected with these instead. */
function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof MaxRetriesPerRequestError) return true;
  return (
    error instanceof Error &&
    [CONNECTION_CLOSED_ERROR_MSG, OFFLINE_QUEUE_REFUSAL, CLUSTER_OFFLINE_QUEUE_REFUSAL].includes(error.message)
  );
}

/**
 * The error as a {@link DependencyUnavailableError} when it says Redis cannot serve right now (also when that
 * is one of its causes), else null. Recognises ioredis's errors, which BullMQ passes through.
 */
export function redisUnavailable(error: unknown): DependencyUnavailableError | null {
  for (const link of causeChain(error)) {
    if (link instanceof DependencyUnavailableError) return link.dependency === 'redis' ? link : null;
    if (isRedisUnavailable(link))
      return new DependencyUnavailableError('redis', `Redis is unavailable: ${(link as Error).message}`, {
        cause: error,
      });
  }
  return null;
}
