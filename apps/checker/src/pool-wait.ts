/**
 * pg-pool's error when no connection came free (or none could be opened) within its connection timeout. It has no
 * class or code, only this text; nothing of the statement was sent, so trying again is safe.
 */
const POOL_WAIT_TIMED_OUT = 'timeout exceeded when trying to connect';

export interface PoolWaitRetry {
  /** Tries in all, the first included. */
  attempts: number;
  /** Pause before the second try; doubled before each further one. */
  pauseMs: number;
}

/**
 * Waiting for a connection of the checker's small pool can time out while the process is saturated (its event loop
 * seconds behind, the connections' own callbacks late): the sweep bench lost whole 500-proxy validate jobs that way,
 * whose proxies then waited out their check lease. Such a wait is tried again a few times; any other error, and the
 * last timeout, goes to the caller.
 */
export async function retryPoolWait<T>(
  work: () => Promise<T>,
  retry: PoolWaitRetry = { attempts: 4, pauseMs: 250 },
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= retry.attempts || !isPoolWaitTimeout(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retry.pauseMs * 2 ** (attempt - 1)));
    }
  }
}

/** The pool's timeout, as thrown or as the cause the database package wraps it in (PostgreSQL is unavailable). */
export function isPoolWaitTimeout(error: unknown): boolean {
  for (let link = error; link instanceof Error; link = link.cause)
    if (link.message === POOL_WAIT_TIMED_OUT) return true;
  return false;
}
