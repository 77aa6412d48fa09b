import { notifierSettingsShape } from '@proxy-pool/notifiers';
import {
  baseConfigShape,
  envBoolean,
  envInt,
  judgeTlsPortShape,
  leaseFeedbackSettingsShape,
  loadConfig,
  z,
} from '@proxy-pool/config';

/** Only development and tests may run on this built-in secret: anyone who knows it can forge judge answers. */
export const DEVELOPMENT_JUDGE_SECRET = 'change-me-judge-secret';
const judgeSecret = z.string().min(16).default(DEVELOPMENT_JUDGE_SECRET);

/** The judge's TLS listener (API and judge-only process alike). */
const judgeTlsShape = {
  ...judgeTlsPortShape,
  /** A PEM certificate (chain) and key for the TLS listener, both or neither; neither: the generated, stored one. */
  JUDGE_TLS_CERT_FILE: z.string().min(1).optional(),
  JUDGE_TLS_KEY_FILE: z.string().min(1).optional(),
};

function requireCertAndKey<T extends z.ZodType<{ JUDGE_TLS_CERT_FILE?: string; JUDGE_TLS_KEY_FILE?: string }>>(
  schema: T,
): T {
  return schema.refine(
    (config) => (config.JUDGE_TLS_CERT_FILE === undefined) === (config.JUDGE_TLS_KEY_FILE === undefined),
    {
      message: 'JUDGE_TLS_CERT_FILE and JUDGE_TLS_KEY_FILE go together: set both or neither',
      path: ['JUDGE_TLS_KEY_FILE'],
    },
  );
}

/** Refuses the built-in judge secret outside NODE_ENV=development/test. */
function requireJudgeSecret<T extends z.ZodType<{ NODE_ENV: string; JUDGE_SECRET: string }>>(schema: T): T {
  return schema.refine(
    (config) => config.NODE_ENV !== 'production' || config.JUDGE_SECRET !== DEVELOPMENT_JUDGE_SECRET,
    {
      message:
        'required when NODE_ENV=production (at least 16 random characters, the same for the API, the judge and every checker)',
      path: ['JUDGE_SECRET'],
    },
  );
}

export const apiConfigSchema = requireCertAndKey(
  requireJudgeSecret(
    z.object({
      ...baseConfigShape,
      ...notifierSettingsShape,
      ...leaseFeedbackSettingsShape,
      /** Lease reports (POST /proxies/acquire/{id}/report) one lease may send per minute. */
      LEASE_REPORTS_PER_MINUTE: envInt(10, 1, 10_000),
      /** `target=`: a proxy with a blocked or failed outcome on the site this recently is skipped for it. */
      SITE_COOLDOWN_MINUTES: envInt(30, 0, 10_080),
      /** `credits.low` is raised when a balance falls below this. */
      CREDITS_LOW_THRESHOLD: envInt(5, 0),
      HOST: z.string().default('0.0.0.0'),
      PORT: envInt(3000, 0, 65535),
      /** On SIGTERM, in-flight requests get this long to finish (keep it below the orchestrator's grace period). */
      DRAIN_MS: envInt(25_000, 0, 600_000),
      /** Shared with checkers: the judge proves it saw a nonce with an HMAC under this secret (required in production). */
      JUDGE_SECRET: judgeSecret,
      ...judgeTlsShape,
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
      /** How many webhooks (POST /account/webhooks) one user may register. */
      WEBHOOKS_PER_USER: envInt(10, 1, 1000),
      /** POST /sources without parser_name fetches this much of the list (at most) to auto-detect its format. */
      SOURCE_SAMPLE_MAX_BYTES: envInt(1024 * 1024, 1024),
      SOURCE_SAMPLE_TIMEOUT_MS: envInt(10_000, 100),
      /** GET /stats/pool answers from a cache this many seconds old at most (0: compute every time). */
      POOL_STATS_CACHE_SECONDS: envInt(5, 0, 3600),
      /** GET /proxies total_count of 1,000 rows or more is shared this long per filter set (0: always exact). */
      PROXY_COUNT_CACHE_SECONDS: envInt(30, 0, 3600),
      /** A GET /proxies page is answered from this process's memory for this many ms after it was read (0: never). */
      PROXY_PAGE_CACHE_MS: envInt(1_000, 0, 60_000),
      /** How long this process remembers a live key's holder (revocations evict at once; 0: read every time). */
      KEY_CACHE_MS: envInt(60_000, 0, 3_600_000),
      /** A Bull Board admin may also pause, clean, obliterate and retry queues (others see it read-only). */
      QUEUE_BOARD_SUPERADMINS: z
        .string()
        .default('')
        .transform((list) =>
          list
            .split(',')
            .map((email) => email.trim().toLowerCase())
            .filter(Boolean),
        ),
    }),
  ),
);

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}

/** The judge-only process (judge-main.ts): stateless, no database, no Redis, no API key. */
export const judgeConfigSchema = requireCertAndKey(
  requireJudgeSecret(
    z.object({
      NODE_ENV: baseConfigShape.NODE_ENV,
      LOG_LEVEL: baseConfigShape.LOG_LEVEL,
      JUDGE_SECRET: judgeSecret,
      JUDGE_HOST: z.string().default('0.0.0.0'),
      /** The public judge's own port: the only port of the system the internet must reach. */
      JUDGE_PORT: envInt(8080, 0, 65535),
      ...judgeTlsShape,
      /** Only for the TLS listener's generated certificate (shared by every replica); unneeded with certificate files. */
      DATABASE_URL: z.string().min(1).optional(),
    }),
  ),
);

export type JudgeConfig = z.infer<typeof judgeConfigSchema>;

export function loadJudgeConfig(env: Record<string, string | undefined> = process.env): JudgeConfig {
  return loadConfig(judgeConfigSchema, env);
}
