import { baseConfigShape, envBoolean, envInt, loadConfig, z } from '@proxy-pool/config';

export const apiConfigSchema = z.object({
  ...baseConfigShape,
  HOST: z.string().default('0.0.0.0'),
  PORT: envInt(3000, 0, 65535),
  /** Shared with checkers: the judge proves it saw a nonce with an HMAC under this secret. */
  JUDGE_SECRET: z.string().min(16).default('change-me-judge-secret'),
  SIGNUP_CREDITS: envInt(10, 0, 1_000_000),
  /** Trust X-Forwarded-For from this many proxy hops (behind an ingress). */
  TRUST_PROXY_HOPS: envInt(0, 0, 10),
  RATE_LIMIT_REGISTER_PER_HOUR: envInt(20, 1),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: envInt(30, 1),
  RATE_LIMIT_REQUESTS_PER_MINUTE: envInt(600, 1),
  RATE_LIMITS_ENABLED: envBoolean(true),
  /** How long POST /sources/{id}/scrape waits for the job before answering 202. */
  SCRAPE_WAIT_MS: envInt(25_000, 0),
  URL_TEST_WAIT_MS: envInt(70_000, 1000),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}
