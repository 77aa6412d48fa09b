import type pg from 'pg';

/** A validation that failed: the proxy and when it ended. */
export interface FailedValidation {
  proxyId: string;
  checkedAt: Date;
}

/** One credit given back for a lease. */
export interface LeaseRefund {
  leaseId: string;
  userId: string;
  proxyId: string;
  amount: number;
  /** The user's balance after every refund of the statement. */
  balance: number;
}

/**
 * Refunds the leases reported `failed` within `windowMinutes` before a failed validation of their proxy, in the
 * transaction that records the validation (the caller holds the proxies' row locks). Each refunded lease gets
 * refunded_at, a `refund` credit transaction of +1 naming it, the credit on the balance, and its release if it
 * is still live (the proxy's leased_until cleared as release does). `refunded_at IS NULL` is re-read after the
 * lease's row lock, and the partial unique index (one refund transaction per lease) stands behind it: the
 * balance is raised only by the transactions actually inserted, so a lease is refunded once whatever races.
 */
export async function refundFailedLeases(
  client: pg.PoolClient,
  failed: readonly FailedValidation[],
  windowMinutes: number,
): Promise<LeaseRefund[]> {
  if (failed.length === 0) return [];
  const result = await client.query<{ rows: string }>(REFUND, [JSON.stringify(failed), windowMinutes]);
  return JSON.parse(result.rows[0]?.rows ?? '[]') as LeaseRefund[];
}

const REFUND = `
  WITH failed AS (
    SELECT "proxyId" AS proxy_id, "checkedAt" AS checked_at
    FROM jsonb_to_recordset($1::jsonb) AS f("proxyId" uuid, "checkedAt" timestamptz)),
  refunded AS (
    UPDATE leases l SET refunded_at = now(),
      released_at = CASE WHEN l.released_at IS NULL AND l.expired_at IS NULL AND l.expires_at > now()
        THEN clock_timestamp() ELSE l.released_at END
    FROM failed f
    WHERE l.proxy_id = f.proxy_id AND l.refunded_at IS NULL AND l.failed_reported_at IS NOT NULL
      AND l.failed_reported_at <= f.checked_at
      AND l.failed_reported_at >= f.checked_at - make_interval(mins => $2::int)
    RETURNING l.id, l.user_id, l.proxy_id, l.expires_at),
  ledger AS (
    INSERT INTO credit_transactions (id, user_id, amount, tx_type, description, lease_id, created_at)
    SELECT gen_random_uuid(), r.user_id, 1, 'refund', 'Refund: the proxy failed its re-check after a failed report',
      r.id, now()
    FROM refunded r
    ON CONFLICT (lease_id) WHERE tx_type = 'refund' DO NOTHING
    RETURNING user_id, lease_id),
  credited AS (
    UPDATE users u SET credit_balance = u.credit_balance + c.n, updated_at = now()
    FROM (SELECT user_id, count(*)::int AS n FROM ledger GROUP BY user_id) c
    WHERE u.id = c.user_id RETURNING u.id, u.credit_balance),
  freed AS (
    UPDATE proxies p SET leased_until = NULL FROM refunded r
    WHERE p.id = r.proxy_id AND p.leased_until = r.expires_at RETURNING p.id)
  SELECT coalesce(json_agg(json_build_object('leaseId', ledger.lease_id, 'userId', ledger.user_id,
      'proxyId', r.proxy_id, 'amount', 1, 'balance', credited.credit_balance)), '[]')::text AS rows
  FROM ledger JOIN refunded r ON r.id = ledger.lease_id JOIN credited ON credited.id = ledger.user_id
  WHERE (SELECT count(*) FROM freed) >= 0`;
