import { ReportOutcome, storeLeaseReport, type StoredLeaseReport } from '@proxy-pool/db';
import { enqueue, recheckJobId } from '@proxy-pool/queues';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { assertId } from '../http/path-ids.js';
import { RateLimiter, rateLimited } from '../http/rate-limit.js';
import { targetSiteSchema } from '../http/target-site.js';
import type { LeaseReportResponse } from '../openapi/responses/lease-reports.responses.js';
import { withQueue } from './queue-guard.js';

export const REPORT_DETAIL_MAX = 500;

export const leaseReportBodySchema = z
  .object({
    outcome: z.enum(ReportOutcome),
    target: targetSiteSchema,
    status_code: z.number().int().min(100).max(599).optional(),
    detail: z.string().max(REPORT_DETAIL_MAX).optional(),
  })
  .strict();
export type LeaseReportBody = z.infer<typeof leaseReportBodySchema>;

const MINUTE_MS = 60_000;
const limiters = new WeakMap<ApiContext, RateLimiter>();

/** Reports per lease and minute (LEASE_REPORTS_PER_MINUTE), counted in Redis and shared by every replica. */
async function checkReportRate(ctx: ApiContext, leaseId: string): Promise<void> {
  if (!ctx.config.RATE_LIMITS_ENABLED) return;
  let limiter = limiters.get(ctx);
  if (limiter === undefined) {
    limiter = new RateLimiter(ctx.redis, ctx.config.QUEUE_PREFIX, ctx.logger);
    limiters.set(ctx, limiter);
  }
  const limit = ctx.config.LEASE_REPORTS_PER_MINUTE;
  const state = await limiter.hit('lease-report', leaseId, MINUTE_MS);
  if (state && state.count > limit) throw rateLimited('reports for this lease', limit, state.resetMs);
}

function renderReport(report: StoredLeaseReport): LeaseReportResponse {
  return {
    id: report.id,
    lease_id: report.leaseId,
    proxy_id: report.proxyId,
    outcome: report.outcome,
    target_host: report.targetHost,
    status_code: report.statusCode,
    detail: report.detail,
    refund_pending: report.refundPending,
    created_at: report.createdAt.toISOString(),
  };
}

/**
 * Files the caller's report on their lease. `failed` and `blocked` make the proxy due at once and queue its
 * re-check (the due-sweep still finds it should Redis miss the job); a failing re-check then refunds a
 * `failed` lease (the checker does that).
 */
export async function reportLease(
  ctx: ApiContext,
  userId: string,
  leaseId: string,
  body: LeaseReportBody,
): Promise<LeaseReportResponse> {
  assertId(leaseId, 'Lease');
  await checkReportRate(ctx, leaseId);
  const window = ctx.config.REFUND_WINDOW_MINUTES;
  const outcome = await storeLeaseReport(ctx.db, {
    userId,
    leaseId,
    outcome: body.outcome,
    targetHost: body.target,
    statusCode: body.status_code ?? null,
    detail: body.detail ?? null,
    acceptMinutesAfterEnd: window,
  });
  if (outcome.kind === 'not_found') throw notFound('Lease');
  if (outcome.kind === 'closed') {
    throw new AppError(
      'LEASE_REPORT_CLOSED',
      `Reports are accepted until ${window} minutes after a lease ends; this one ended at ${outcome.endedAt.toISOString()}.`,
      { ended_at: outcome.endedAt.toISOString(), window_minutes: window },
    );
  }
  const { report } = outcome;
  if (report.recheck) {
    const jobId = recheckJobId(report.proxyId, report.createdAt);
    await withQueue(ctx, () =>
      enqueue(ctx.queues.validate, 'validate', { proxy_ids: [report.proxyId] }, { jobId }),
    ).catch((error: unknown) =>
      ctx.logger.warn('re-check not queued; the due-sweep will pick the proxy up', {
        proxy_id: report.proxyId,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
  return renderReport(report);
}
