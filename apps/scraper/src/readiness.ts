import { pingDatabase, type Database } from '@proxy-pool/db';
import { pingRedis, type RedisConnection, type SchedulerKeeper } from '@proxy-pool/queues';
import type { Readiness } from '@proxy-pool/worker-runtime';

const SCHEDULER_CHECK_TIMEOUT_MS = 1_500;

/** Ready when Redis and PostgreSQL answer and no job scheduler the last reconcile put in place is gone. */
export async function scraperReadiness(
  redis: RedisConnection,
  db: Database,
  schedules: SchedulerKeeper,
): Promise<Readiness> {
  const [redisUp, databaseUp] = await Promise.all([pingRedis(redis), pingDatabase(db)]);
  const problems: string[] = [];
  if (!redisUp) problems.push('redis does not answer');
  if (!databaseUp) problems.push('postgres does not answer');
  if (problems.length > 0) return { ready: false, problems };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), SCHEDULER_CHECK_TIMEOUT_MS);
  });
  try {
    const missing = await Promise.race([schedules.missing(), timeout]);
    for (const id of missing) problems.push(`job scheduler ${id} is missing`);
  } catch (error) {
    problems.push(`job schedulers not readable: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  return { ready: problems.length === 0, problems };
}
