import {
  baseConfigShape,
  dependencyLogSettingsShape,
  envInt,
  envUrl,
  judgeTlsPortShape,
  leaseFeedbackSettingsShape,
  loadConfig,
  z,
} from '@proxy-pool/config';
import { normalizeFingerprint } from '@proxy-pool/checkers';
import { maintenanceSettingsShape } from '@proxy-pool/maintenance';

/** Only development and tests may run on this built-in secret: anyone who knows it can forge judge answers. */
const DEVELOPMENT_JUDGE_SECRET = 'change-me-judge-secret';

export const checkerConfigSchema = z
  .object({
    ...baseConfigShape,
    ...maintenanceSettingsShape,
    ...dependencyLogSettingsShape,
    ...leaseFeedbackSettingsShape,
    /** The judge the stage-2 check requests through each proxy (the API's GET /judge). */
    JUDGE_URL: envUrl('http://127.0.0.1:3000/judge', ['http', 'https']),
    ...judgeTlsPortShape,
    /** tls_integrity runs again on a proxy once its last conclusion is this old (0: on every validation). */
    TLS_CHECK_EVERY_MINUTES: envInt(360, 0, 10_080),
    /** Where tls_integrity reaches the judge's TLS listener through each proxy; default: JUDGE_URL's host, JUDGE_TLS_PORT. */
    JUDGE_TLS_TARGET: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'expected host:port ([v6 address]:port for IPv6)')
      .optional(),
    /** The judge certificate's SHA-256 fingerprint(s), comma-separated; default: the one the judges store in the database. */
    JUDGE_TLS_FINGERPRINT: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const pins: string[] = [];
        for (const part of (value ?? '').split(',').filter((text) => text.trim() !== '')) {
          try {
            pins.push(normalizeFingerprint(part));
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        }
        return pins;
      }),
    /** Shared with the API: the judge proves it saw the nonce with an HMAC under this secret (required in production). */
    JUDGE_SECRET: z.string().min(16).default(DEVELOPMENT_JUDGE_SECRET),
    /** Validations in flight in this process, over all jobs; capped at a third of the open-file limit. */
    CHECKER_CONCURRENCY: envInt(500, 1, 100_000),
    /**
     * New validations start only while the event loop runs less than this far behind (0: always); running ones
     * continue. A saturated checker otherwise fails healthy proxies whose answers wait for the CPU past their timeouts.
     */
    CHECKER_ADMISSION_MAX_DELAY_MS: envInt(150, 0, 60_000),
    /** Validate jobs (batches of up to 1,000 proxies) one process takes at once; they share the limit above. */
    VALIDATE_JOB_CONCURRENCY: envInt(8, 1, 256),
    /** BullMQ job lock: a checker that stops renewing it (killed) loses its validate jobs to another after this long. */
    VALIDATE_LOCK_DURATION_MS: envInt(30_000, 1000),
    /** How often workers look for validate jobs whose lock expired (stalled) and hand them back. */
    VALIDATE_STALLED_INTERVAL_MS: envInt(30_000, 500),
    URL_TEST_JOB_CONCURRENCY: envInt(4, 1, 64),
    /** Site-check jobs (one check's sample each) one process runs at once. */
    SITE_CHECK_JOB_CONCURRENCY: envInt(2, 1, 64),
    /** Site-check requests in flight per process, over all its site-check jobs. */
    SITE_CHECK_CONCURRENCY: envInt(50, 1, 10_000),
    /** Body bytes a site check reads and searches at most (the rest of the page is not read). */
    SITE_CHECK_BODY_LIMIT_BYTES: envInt(262_144, 1024, 8_388_608),
    /** A body_regex match running longer than this is stopped and the proxy's result is a failure. */
    SITE_CHECK_REGEX_TIMEOUT_MS: envInt(50, 1, 5_000),
    CONNECT_TIMEOUT_MS: envInt(3_000, 10, 120_000),
    /** One validation, every stage included. */
    TOTAL_TIMEOUT_MS: envInt(10_000, 10, 600_000),
    /** Consecutive failed validations after which an active proxy is dead. */
    DEAD_AFTER_FAILURES: envInt(3, 1, 1000),
    ACTIVE_RECHECK_MINUTES: envInt(5, 1, 10_080),
    DEAD_RECHECK_BASE_MINUTES: envInt(15, 1, 10_080),
    DEAD_RECHECK_MAX_HOURS: envInt(24, 1, 720),
    /** Average latency at (or above) which the latency part of the score is 0. */
    LATENCY_CEILING_MS: envInt(5_000, 1, 600_000),
    /** A MaxMind GeoIP2/GeoLite2 (or DB-IP) country MMDB replacing the bundled DB-IP Lite file. */
    MMDB_PATH: z.string().min(1).optional(),
    /** A MaxMind GeoLite2-ASN MMDB replacing the bundled ip-location-db ASN data (exit_network stage). */
    ASN_MMDB_PATH: z.string().min(1).optional(),
    OWN_IP_REFRESH_MINUTES: envInt(10, 1, 1440),
    HEALTH_PORT: envInt(9102, 0, 65535),
    HEALTH_HOST: z.string().default('0.0.0.0'),
    /** SIGTERM: time to finish active jobs; checks still running near the end are abandoned and handed back. */
    DRAIN_MS: envInt(25_000, 0),
    /** Results are written in batches: when this many are waiting, or this long after the first one. */
    RESULT_BATCH_SIZE: envInt(1_000, 1, 20_000),
    RESULT_FLUSH_MS: envInt(1_000, 1, 60_000),
  })
  .refine((config) => config.CONNECT_TIMEOUT_MS <= config.TOTAL_TIMEOUT_MS, {
    message: 'must not exceed TOTAL_TIMEOUT_MS',
    path: ['CONNECT_TIMEOUT_MS'],
  })
  .refine((config) => config.NODE_ENV !== 'production' || config.JUDGE_SECRET !== DEVELOPMENT_JUDGE_SECRET, {
    message:
      'required when NODE_ENV=production (at least 16 random characters, the same for the API, the judge and every checker)',
    path: ['JUDGE_SECRET'],
  });

export type CheckerConfig = z.infer<typeof checkerConfigSchema>;

export function loadCheckerConfig(env: Record<string, string | undefined> = process.env): CheckerConfig {
  return loadConfig(checkerConfigSchema, env);
}
