import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The process's environment: entry points hand it to their config loaders (nothing else reads it). */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

/**
 * Parses the environment against an app's schema once, at start-up.
 * Every bad key is reported, not just the first.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = processEnvironment(),
): z.infer<S> {
  const result = schema.safeParse(withClusterQueuePrefix(env));
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
}

/** `true/false/1/0/yes/no/on/off`, case-insensitive. */
export const envBoolean = (defaultValue: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return defaultValue;
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: `expected a boolean (true/false), got "${value}"` });
      return z.NEVER;
    });

export const envInt = (defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(defaultValue);

export const envNumber = (defaultValue: number, min = 0, max = Number.MAX_VALUE) =>
  z.coerce.number().min(min).max(max).default(defaultValue);

export const envUrl = (defaultValue: string, protocols: string[]) =>
  z
    .string()
    .default(defaultValue)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(':', ''));
        } catch {
          return false;
        }
      },
      `expected a ${protocols.join('/')} URL`,
    );

const DEFAULT_QUEUE_PREFIX = 'pp';
const PREFIX_CHARS = '[A-Za-z0-9:_-]';
/** Letters, digits, `:_-`, and at most one `{hash tag}` (which is what Redis Cluster hashes a key by). */
const QUEUE_PREFIX_FORM = new RegExp(`^(?=.)${PREFIX_CHARS}*(\\{${PREFIX_CHARS}+\\})?${PREFIX_CHARS}*$`);
const CLUSTER_URL = /^rediss?\+cluster:\/\//;
/** The multi-host forms (parsed in full by @proxy-pool/queues' parseRedisUrl, which names what is wrong). */
const MULTI_HOST_REDIS_URL = /^rediss?\+(cluster|sentinel):\/\/([^@/]*@)?[^/?#,]+(,[^/?#,]+)*(\/[^?#]*)?(\?[^#]*)?$/;

/**
 * On a Redis Cluster, BullMQ's scripts touch several keys of a queue at once, so every key must hash to one
 * slot: a QUEUE_PREFIX without a `{hash tag}` is wrapped in one (`pp` → `{pp}`). Every other key the
 * processes write starts with the same prefix, so it lands in that slot too.
 */
function withClusterQueuePrefix(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (!CLUSTER_URL.test(env.REDIS_URL ?? '')) return env;
  const prefix = env.QUEUE_PREFIX || DEFAULT_QUEUE_PREFIX;
  return prefix.includes('{') ? env : { ...env, QUEUE_PREFIX: `{${prefix}}` };
}

const singleRedisUrl = envUrl('redis://127.0.0.1:6379', ['redis', 'rediss']);
const redisUrl = z
  .string()
  .default('redis://127.0.0.1:6379')
  .refine(
    (value) => MULTI_HOST_REDIS_URL.test(value) || singleRedisUrl.safeParse(value).success,
    'expected redis://host:port, rediss://host:port, redis+cluster://host:port,host:port or redis+sentinel://host:port,host:port/<master name>',
  );

export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** Settings every process shares: where the state lives and how it logs. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: envUrl('postgresql://postgres@127.0.0.1:5432/proxypool', ['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: envInt(10, 1, 500),
  /** One Redis, a Redis Cluster or a Sentinel-watched master: the forms are in the README (Configuration). */
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: z
    .string()
    .regex(QUEUE_PREFIX_FORM, 'expected letters, digits, ":", "_", "-" and at most one {hash tag}')
    .default(DEFAULT_QUEUE_PREFIX),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Private/loopback targets and proxies are refused unless this is on (tests, local development). */
  ALLOW_PRIVATE_TARGETS: envBoolean(false),
};

/** Settings of the dependency-down log, a zod shape every worker role's config spreads. */
export const dependencyLogSettingsShape = {
  /** While Redis (or another dependency) stays down, one summary log line this often. */
  DEPENDENCY_SUMMARY_EVERY_MS: envInt(60_000, 100, 3_600_000),
};

/** Lease feedback settings the API (accepting reports) and the checker (refunding) share. */
export const leaseFeedbackSettingsShape = {
  /** A lease reported `failed` whose proxy fails a validation within this many minutes is refunded. */
  REFUND_WINDOW_MINUTES: envInt(10, 1, 1440),
};

/** The judge's TLS port: where the judge listens (API and judge-only process) and the checkers' tls_integrity reaches it. */
export const judgeTlsPortShape = {
  /** 0: no TLS listener (judge) and no TLS integrity stage (checker). */
  JUDGE_TLS_PORT: envInt(8443, 0, 65535),
};

export { z };
