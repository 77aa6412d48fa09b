import { baseConfigShape, envBoolean, loadConfig, processEnvironment, z } from '@proxy-pool/config';

const standaloneSchema = z.object({
  DATABASE_URL: baseConfigShape.DATABASE_URL,
  LOG_LEVEL: baseConfigShape.LOG_LEVEL,
  /** Start an embedded PostgreSQL when DATABASE_URL does not answer (single-machine use). */
  EMBEDDED_POSTGRES_FALLBACK: envBoolean(true),
});

export type StandaloneConfig = z.infer<typeof standaloneSchema> & { env: Record<string, string | undefined> };

/** The launcher's settings, plus the environment it hands to each role. */
export function loadStandaloneConfig(env: Record<string, string | undefined> = processEnvironment()): StandaloneConfig {
  return { ...loadConfig(standaloneSchema, env), env: { ...env } };
}

const testDatabaseSchema = z.object({
  /** Server (any database on it) where each test run creates and drops its own database. */
  TEST_DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/postgres'),
});

export function loadTestDatabaseConfig(env: Record<string, string | undefined> = processEnvironment()): z.infer<typeof testDatabaseSchema> {
  return loadConfig(testDatabaseSchema, env);
}
