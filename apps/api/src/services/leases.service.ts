import { acquireLease, IpType, releaseLease } from '@proxy-pool/db';
import { raiseCreditEvents, raiseLapsedLease } from './events.service.js';
import type { LeaseGrant } from '@proxy-pool/db';
import { ANONYMITY_LEVELS, PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { assertId } from '../http/path-ids.js';
import { targetSiteSchema } from '../http/target-site.js';
import { asNumber, countryCode, realNumber } from '../http/validate.js';
import type { AcquireResponse, ReleaseResponse } from '../openapi/responses/pool.responses.js';
import { assertKnownSiteCheck, siteCheckNameSchema } from './site-checks.service.js';

export const acquireBodySchema = z
  .object({
    protocol: z.enum(PROXY_PROTOCOLS).optional(),
    country: countryCode.optional(),
    anonymity: z.enum(ANONYMITY_LEVELS).optional(),
    asn: asNumber.optional(),
    ip_type: z.enum(IpType).optional(),
    min_score: realNumber(0, 1).optional(),
    /** A site check's name: only proxies whose latest result on it passed within its window. */
    works_for: siteCheckNameSchema.optional(),
    /** A URL or host: proxies cooling down on its site are skipped, the best site rate comes first. */
    target: targetSiteSchema.optional(),
    lease_duration_seconds: z.number().int().min(1).max(3600).default(300),
  })
  // Unknown fields are refused: a misspelt filter must not silently lease (and charge for) an unwanted proxy.
  .strict();
export type AcquireBody = z.infer<typeof acquireBodySchema>;

export const acquireHeadersSchema = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x20-\x7E]{1,200}$/, 'must be 1 to 200 printable ASCII characters')
    .optional(),
});

/** A lease as its holder sees it; upstream credentials only for proxies that have them (the holder needs them). */
export function renderLease(grant: LeaseGrant, creditsRemaining: number): AcquireResponse {
  const { proxy } = grant;
  const credentials = proxy.username !== null ? { username: proxy.username, password: proxy.password } : {};
  return {
    lease_id: grant.leaseId,
    proxy: {
      ip: proxy.ip,
      port: proxy.port,
      protocol: proxy.protocol,
      country: proxy.country,
      anonymity: proxy.anonymity,
      ...credentials,
    },
    expires_at: grant.expiresAt.toISOString(),
    credits_remaining: creditsRemaining,
  };
}

const IDEMPOTENT_ANSWER_SECONDS = 24 * 3600 + 300;
const answerKey = (ctx: ApiContext, leaseId: string) => `${ctx.config.QUEUE_PREFIX}:lease-answer:${leaseId}`;

export async function acquireProxy(
  ctx: ApiContext,
  caller: { userId: string; apiKeyId: string },
  body: AcquireBody,
  idempotencyKey: string | undefined,
): Promise<AcquireResponse> {
  if (body.works_for !== undefined) await assertKnownSiteCheck(ctx, body.works_for);
  const outcome = await acquireLease(
    ctx.db,
    {
      userId: caller.userId,
      apiKeyId: caller.apiKeyId,
      filters: {
        protocol: body.protocol,
        country: body.country,
        anonymity: body.anonymity,
        asn: body.asn,
        ipType: body.ip_type,
        minScore: body.min_score,
        worksFor: body.works_for,
        site: body.target ? { host: body.target, cooldownMinutes: ctx.config.SITE_COOLDOWN_MINUTES } : undefined,
      },
      durationSeconds: body.lease_duration_seconds,
      idempotencyKey,
    },
    {
      // Stored before COMMIT: a concurrent duplicate waits on the idempotency index until then, so it always
      // finds the answer to replay.
      beforeCommit: idempotencyKey
        ? async (grant, credits) => {
            await ctx.redis.set(
              answerKey(ctx, grant.leaseId),
              JSON.stringify(renderLease(grant, credits)),
              'EX',
              IDEMPOTENT_ANSWER_SECONDS,
            );
          }
        : undefined,
    },
  );
  switch (outcome.kind) {
    case 'acquired':
      ctx.metrics.leasesAcquired.inc();
      ctx.metrics.creditsCharged.inc();
      raiseCreditEvents(ctx, caller.userId, outcome.creditsRemaining + 1, outcome.creditsRemaining);
      if (outcome.lapsed) raiseLapsedLease(ctx, outcome.lapsed, outcome.grant.proxy);
      return renderLease(outcome.grant, outcome.creditsRemaining);
    case 'replayed':
      return replayAnswer(ctx, caller.userId, outcome.grant);
    case 'insufficient_credits':
      throw new AppError(
        'INSUFFICIENT_CREDITS',
        `You need at least 1 credit to acquire a proxy. Current balance: ${outcome.balance}.`,
      );
    case 'all_leased':
      throw new AppError(
        'ALL_PROXIES_LEASED',
        'Every active proxy matching the filters is leased right now. Retry shortly.',
      );
    case 'no_match':
      throw new AppError('NO_MATCHING_PROXY', 'No active proxy matches the filters.');
  }
}

/** The first answer, word for word; if Redis lost it, the same lease with the balance as it is now. */
async function replayAnswer(ctx: ApiContext, userId: string, grant: LeaseGrant): Promise<AcquireResponse> {
  const stored = await ctx.redis.get(answerKey(ctx, grant.leaseId)).catch(() => null);
  if (stored !== null) return JSON.parse(stored) as AcquireResponse;
  const user = await ctx.db.user.findUnique({ where: { id: userId }, select: { creditBalance: true } });
  return renderLease(grant, user?.creditBalance ?? 0);
}

export async function releaseProxyLease(ctx: ApiContext, userId: string, leaseId: string): Promise<ReleaseResponse> {
  assertId(leaseId, 'Lease');
  const ended = await releaseLease(ctx.db, userId, leaseId);
  if (!ended) throw notFound('Lease');
  if (ended.releasedNow) ctx.metrics.leasesReleased.inc();
  return {
    lease_id: ended.leaseId,
    released_at: ended.releasedAt?.toISOString() ?? null,
    expires_at: ended.expiresAt.toISOString(),
  };
}
