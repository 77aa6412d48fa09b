import { randomUUID } from 'node:crypto';
import { harnessEnv } from '../harness-env.js';

/**
 * The settings a benchmark's in-process worker starts with: its throwaway database, queue keys under a fresh
 * prefix (cleared afterwards), loopback targets allowed, no health port, quiet logs.
 */
export function benchWorkerEnv(databaseUrl: string) {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: harnessEnv.redisUrl(),
    QUEUE_PREFIX: `bench${randomUUID().slice(0, 8)}`,
    ALLOW_PRIVATE_TARGETS: 'true',
    HEALTH_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
}
