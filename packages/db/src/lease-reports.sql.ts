import { Prisma } from '../generated/client/index.js';
import type { ReportOutcome } from '../generated/client/index.js';
import { inTransaction, sqlRows, type Database } from './client.js';
import { recordSiteOutcomes } from './site-stats.sql.js';

export interface LeaseReportInput {
  userId: string;
  leaseId: string;
  outcome: ReportOutcome;
  /** Registrable domain (siteOf). */
  targetHost: string;
  statusCode: number | null;
  detail: string | null;
  /** Reports are accepted while the lease is live and this long after it ended. */
  acceptMinutesAfterEnd: number;
}

export interface StoredLeaseReport {
  id: string;
  leaseId: string;
  proxyId: string;
  outcome: ReportOutcome;
  targetHost: string;
  statusCode: number | null;
  detail: string | null;
  createdAt: Date;
  /** The lease was reported failed and not yet refunded: a failing re-check within the window refunds it. */
  refundPending: boolean;
  /** The proxy must be re-checked at once (failed or blocked): its next_check_at is now. */
  recheck: boolean;
}

export type LeaseReportOutcome =
  | { kind: 'stored'; report: StoredLeaseReport }
  /** No such lease, or another user's (the caller answers 404 either way). */
  | { kind: 'not_found' }
  /** The lease ended more than the accepted time ago. */
  | { kind: 'closed'; endedAt: Date };

/** Outcomes that count on the proxy's per-site figures: `slow` is stored only (it says nothing of access). */
const SITE_SUCCESS: Record<ReportOutcome, boolean | null> = { ok: true, blocked: false, failed: false, slow: null };

/**
 * Stores a lease holder's report in one transaction. The proxy row is locked first (the order acquire,
 * release and the checker's refund take proxy then lease), then `failed` stamps the lease's
 * failed_reported_at and `failed`/`blocked` make the proxy due for re-check now. The per-site outcome is
 * added after COMMIT, outside the proxy lock.
 */
export async function storeLeaseReport(db: Database, input: LeaseReportInput): Promise<LeaseReportOutcome> {
  type LeaseRow = { proxy_id: string; ended_at: Date | null; open: boolean };
  const outcome = await inTransaction(db.pool, async (tx): Promise<LeaseReportOutcome> => {
    const [lease] = await sqlRows<LeaseRow>(
      tx,
      Prisma.sql`SELECT proxy_id, least(released_at, expired_at, expires_at) AS ended_at,
          least(released_at, expired_at, expires_at) > now() - make_interval(mins => ${input.acceptMinutesAfterEnd}::int) AS open
        FROM leases WHERE id = ${input.leaseId}::uuid AND user_id = ${input.userId}::uuid`,
    );
    if (!lease) return { kind: 'not_found' };
    if (!lease.open) return { kind: 'closed', endedAt: lease.ended_at ?? new Date() };
    await sqlRows(tx, Prisma.sql`SELECT id FROM proxies WHERE id = ${lease.proxy_id}::uuid FOR NO KEY UPDATE`);
    const recheck = input.outcome === 'failed' || input.outcome === 'blocked';
    type Row = { id: string; created_at: Date; refund_pending: boolean };
    const [row] = await sqlRows<Row>(
      tx,
      Prisma.sql`
      WITH report AS (
        INSERT INTO lease_reports (id, lease_id, proxy_id, user_id, outcome, target_host, status_code, detail)
        VALUES (gen_random_uuid(), ${input.leaseId}::uuid, ${lease.proxy_id}::uuid, ${input.userId}::uuid,
          ${input.outcome}::"ReportOutcome", ${input.targetHost}, ${input.statusCode}::int, ${input.detail})
        RETURNING id, created_at),
      flagged AS (
        UPDATE leases SET failed_reported_at = now()
        WHERE id = ${input.leaseId}::uuid AND ${input.outcome === 'failed'}::boolean RETURNING refunded_at),
      due AS (
        UPDATE proxies SET next_check_at = now() WHERE id = ${lease.proxy_id}::uuid AND ${recheck}::boolean RETURNING id)
      SELECT report.id, report.created_at,
        (SELECT failed_reported_at IS NOT NULL AND refunded_at IS NULL FROM leases WHERE id = ${input.leaseId}::uuid)
          OR EXISTS (SELECT 1 FROM flagged WHERE refunded_at IS NULL) AS refund_pending
      FROM report WHERE (SELECT count(*) FROM due) >= 0`,
    );
    if (!row) throw new Error(`lease report for ${input.leaseId} was not stored`);
    return {
      kind: 'stored',
      report: {
        id: row.id,
        leaseId: input.leaseId,
        proxyId: lease.proxy_id,
        outcome: input.outcome,
        targetHost: input.targetHost,
        statusCode: input.statusCode,
        detail: input.detail,
        createdAt: row.created_at,
        refundPending: row.refund_pending,
        recheck,
      },
    };
  });
  if (outcome.kind === 'stored') {
    const success = SITE_SUCCESS[input.outcome];
    const { proxyId, targetHost, createdAt } = outcome.report;
    if (success !== null) await recordSiteOutcomes(db.pool, [{ proxyId, targetHost, success, at: createdAt }]);
  }
  return outcome;
}
