import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '@proxy-pool/logger';
import type { RedisConnection } from '@proxy-pool/queues';
import type { ApiContext } from '../context.js';
import { AppError } from '../errors.js';
import type { AuthFailureHook } from './auth.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** A slow Redis must not stall requests: past this, the limiter lets the request through. */
const REDIS_TIMEOUT_MS = 500;
const WARN_INTERVAL_MS = 10_000;

/**
 * Fixed window counter: INCR, and start the window (PEXPIRE) on the first hit, atomically. A key left
 * without a TTL (should never happen) gets one, so a counter can never block forever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

interface WindowState {
  count: number;
  resetMs: number;
}

/** Counters in Redis, shared by every API replica. Any Redis failure answers null: the caller fails open. */
export class RateLimiter {
  private lastWarning = 0;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  hit(bucket: string, id: string, windowMs: number): Promise<WindowState | null> {
    return this.guard(async () => {
      const reply = (await this.redis.eval(HIT_SCRIPT, 1, this.key(bucket, id), windowMs)) as [number, number];
      return { count: Number(reply[0]), resetMs: Number(reply[1]) };
    });
  }

  peek(bucket: string, id: string): Promise<WindowState | null> {
    return this.guard(async () => {
      const replies = await this.redis.multi().get(this.key(bucket, id)).pttl(this.key(bucket, id)).exec();
      const count = Number(replies?.[0]?.[1] ?? 0);
      return { count: Number.isFinite(count) ? count : 0, resetMs: Number(replies?.[1]?.[1] ?? 0) };
    });
  }

  private key(bucket: string, id: string): string {
    return `${this.prefix}:ratelimit:${bucket}:${id}`;
  }

  /**
   * The connection refuses commands until it is ready (no offline queue). While it is still making its
   * first connection, wait for it (bounded by the timeout); once it has dropped, fail fast instead.
   */
  private whenConnected(): Promise<void> {
    if (!['wait', 'connecting', 'connect'].includes(this.redis.status)) return Promise.resolve();
    this.connecting ??= new Promise<void>((resolve) => {
      const done = () => {
        this.redis.off('ready', done).off('close', done);
        this.connecting = undefined;
        resolve();
      };
      this.redis.on('ready', done).on('close', done);
    });
    return this.connecting;
  }

  private async guard(work: () => Promise<WindowState>): Promise<WindowState | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`rate limiter: Redis did not answer within ${REDIS_TIMEOUT_MS} ms`)),
        REDIS_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([this.whenConnected().then(work), timeout]);
    } catch (error) {
      // Fail open: a Redis outage must not turn every request into an error; the warning says limits are off.
      if (Date.now() - this.lastWarning > WARN_INTERVAL_MS) {
        this.lastWarning = Date.now();
        this.logger.warn('rate limiter unavailable, allowing requests unlimited', { error: (error as Error).message });
      }
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}

export function rateLimited(what: string, limit: number, resetMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(resetMs / 1000));
  return new AppError(
    'RATE_LIMITED',
    `Too many ${what}. Retry in ${seconds} s.`,
    { limit, retry_after_seconds: seconds },
    { 'Retry-After': String(seconds) },
  );
}

const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * Whom failed authentications are counted against: the client IP and the credential it presented (a hash of
 * the Authorization header), so one client retrying a wrong key behind a NAT blocks only that key, never
 * the valid keys of its neighbours. Null when no credential was presented at all: that is Bull Board's
 * sign-in challenge (or a client that forgot its key), costs no lookup and guesses nothing, so it is not a
 * failed attempt; only the credentials a browser then sends are.
 */
function failedAuthSubject(req: Request): string | null {
  const header = req.get('authorization');
  if (header === undefined || header.trim() === '') return null;
  const credential = createHash('sha256').update(header).digest('base64url').slice(0, 22);
  return `${clientIp(req)}:${credential}`;
}

export interface RateLimits {
  /** Registrations per client IP and hour. */
  register: RequestHandler;
  /** Before authentication: a credential past its failed-authentication limit from this IP gets 429 without a lookup. */
  authGate: RequestHandler;
  /** Counts a failed authentication for the client IP and presented credential (wired as authenticate's onFailure). */
  onAuthFailure: AuthFailureHook;
  /** After authentication: requests per API key and minute. */
  perKey: RequestHandler;
}

export function createRateLimits(ctx: ApiContext): RateLimits {
  const { config } = ctx;
  if (!config.RATE_LIMITS_ENABLED) {
    const pass: RequestHandler = (_req, _res, next) => next();
    return { register: pass, authGate: pass, onAuthFailure: async () => undefined, perKey: pass };
  }
  const limiter = new RateLimiter(ctx.redis, config.QUEUE_PREFIX, ctx.logger);
  const authLimit = config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE;
  return {
    register: async (req, _res, next) => {
      const state = await limiter.hit('register', clientIp(req), HOUR_MS);
      if (state && state.count > config.RATE_LIMIT_REGISTER_PER_HOUR) {
        throw rateLimited('registrations from this address', config.RATE_LIMIT_REGISTER_PER_HOUR, state.resetMs);
      }
      next();
    },
    authGate: async (req, _res, next) => {
      const subject = failedAuthSubject(req);
      const state = subject === null ? null : await limiter.peek('auth-failures', subject);
      if (state && state.count >= authLimit)
        throw rateLimited('failed authentications with this credential from this address', authLimit, state.resetMs);
      next();
    },
    onAuthFailure: async (req) => {
      const subject = failedAuthSubject(req);
      const state = subject === null ? null : await limiter.hit('auth-failures', subject, MINUTE_MS);
      if (state && state.count > authLimit)
        throw rateLimited('failed authentications with this credential from this address', authLimit, state.resetMs);
    },
    perKey: async (req, _res, next) => {
      const keyId = req.auth?.apiKeyId;
      const state = keyId ? await limiter.hit('key', keyId, MINUTE_MS) : null;
      if (state && state.count > config.RATE_LIMIT_REQUESTS_PER_MINUTE) {
        throw rateLimited('requests for this API key', config.RATE_LIMIT_REQUESTS_PER_MINUTE, state.resetMs);
      }
      next();
    },
  };
}
