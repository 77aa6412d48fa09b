import type { RequestHandler } from 'express';
import { touchKeyLastUsed } from '@proxy-pool/db';
import type { ApiContext } from '../context.js';
import { AppError } from '../errors.js';
import { API_KEY_PATTERN, hashApiKey } from '../services/api-keys.js';
import './request-types.js';

const LAST_USED_RESOLUTION_MS = 60_000;

/** Paths a browser visits (Bull Board): a 401 there invites HTTP Basic sign-in with the key as password. */
const BROWSER_PATHS = ['/admin/queues'];

export const unauthorized = (challengeBrowser = false) =>
  new AppError(
    'UNAUTHORIZED',
    'A valid API key is required: Authorization: Bearer pp_…',
    {},
    challengeBrowser ? { 'WWW-Authenticate': 'Basic realm="Proxy Pool admin", charset="UTF-8"' } : {},
  );

/** The raw key from `Bearer <key>`, or from HTTP Basic with the key as password (any user name). */
export function presentedKey(header: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

export type AuthFailureHook = (req: Parameters<RequestHandler>[0]) => Promise<void>;

/**
 * Bearer (or HTTP Basic, key as password) authentication. Missing, malformed, unknown and revoked keys all
 * get the same 401.
 * The holder comes from the process's key cache (a revocation evicts it at once, see KeyHolderCache);
 * last_used_at is written at most once a minute per key.
 */
export function authenticate(ctx: ApiContext, onFailure?: AuthFailureHook): RequestHandler {
  const lastWritten = new Map<string, number>();
  return async (req, _res, next) => {
    const raw = presentedKey(req.get('authorization') ?? '');
    const holder = raw && API_KEY_PATTERN.test(raw) ? await ctx.keyHolders.holderOf(hashApiKey(raw)) : null;
    if (!holder) {
      await onFailure?.(req);
      throw unauthorized(BROWSER_PATHS.some((path) => req.originalUrl.startsWith(path)));
    }
    req.auth = holder;
    touchLastUsed(ctx, holder.apiKeyId, lastWritten, req.log);
    next();
  };
}

function touchLastUsed(
  ctx: ApiContext,
  keyId: string,
  lastWritten: Map<string, number>,
  log: { warn: (m: string, meta: object) => void },
): void {
  const now = Date.now();
  if (now - (lastWritten.get(keyId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
  lastWritten.set(keyId, now);
  if (lastWritten.size > 10_000) lastWritten.clear();
  touchKeyLastUsed(ctx.db, keyId).catch((error: unknown) => log.warn('last_used_at update failed', { error }));
}

export const requireAdmin: RequestHandler = (req, _res, next) => {
  if (req.auth?.role !== 'admin') throw new AppError('FORBIDDEN', 'This endpoint needs the admin role.');
  next();
};
