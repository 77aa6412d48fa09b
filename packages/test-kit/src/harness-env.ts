/**
 * What the test and benchmark harness reads from its environment, in one place: the jest run's database (set by
 * the global setup), a benchmark database of the operator's choosing, Redis, and the environment child processes
 * inherit.
 */
export const harnessEnv = {
  databaseUrl: (): string | undefined => process.env.DATABASE_URL,
  benchDatabaseUrl: (): string | undefined => process.env.BENCH_DATABASE_URL,
  redisUrl: (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  inherited: (): NodeJS.ProcessEnv => ({ ...process.env }),
};
