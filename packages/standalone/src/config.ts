import { baseConfigShape, envBoolean, loadConfig, z } from '@proxy-pool/config';

const standaloneSchema = z.object({
  DATABASE_URL: baseConfigShape.DATABASE_URL,
  LOG_LEVEL: baseConfigShape.LOG_LEVEL,
  /** Start an embedded PostgreSQL when DATABASE_URL does not answer (single-machine use). */
  EMBEDDED_POSTGRES_FALLBACK: envBoolean(true),
});

export type StandaloneConfig = z.infer<typeof standaloneSchema> & { env: Record<string, string | undefined> };

/** The launcher's settings, plus the environment it hands to each role. */
export function loadStandaloneConfig(env: Record<string, string | undefined> = process.env): StandaloneConfig {
  return { ...loadConfig(standaloneSchema, env), env: { ...env } };
}
