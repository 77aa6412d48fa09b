import type { Database } from './client.js';

export interface LeaseEnd {
  leaseId: string;
  releasedAt: Date | null;
  expiresAt: Date;
  /** True only for the call that ended the lease (not for repeats). */
  releasedNow: boolean;
}

/**
 * Ends the user's lease now, if it is still live. Idempotent: a second call changes nothing and returns the
 * same row. A lease that ran out before release keeps `releasedAt` null. Null when the lease does not exist or
 * belongs to someone else (the caller answers 404 either way, so leases of others are not discoverable).
 */
export async function releaseLease(db: Database, userId: string, leaseId: string): Promise<LeaseEnd | null> {
  type Row = { id: string; released_at: Date | null; expires_at: Date };
  const [released] = await db.$queryRaw<Row[]>`
    UPDATE leases SET released_at = clock_timestamp()
    WHERE id = ${leaseId}::uuid AND user_id = ${userId}::uuid AND released_at IS NULL AND expired_at IS NULL AND expires_at > now()
    RETURNING id, released_at, expires_at`;
  // Not updated: already ended, or not this user's. A separate statement, so it sees a release committed meanwhile.
  const [row] = released
    ? [released]
    : await db.$queryRaw<Row[]>`SELECT id, released_at, expires_at FROM leases WHERE id = ${leaseId}::uuid AND user_id = ${userId}::uuid`;
  return row ? { leaseId: row.id, releasedAt: row.released_at, expiresAt: row.expires_at, releasedNow: released !== undefined } : null;
}

export interface ExpiredLease {
  leaseId: string;
  userId: string;
  proxyId: string;
  ip: string;
  port: number;
  expiresAt: Date;
  expiredAt: Date;
}

/**
 * The lease sweeper: marks up to `limit` past-due live leases expired and returns them (the caller emits
 * `lease.expired`). Rows another sweeper holds are skipped, so replicas never return the same lease twice.
 * Acquire does not wait for this: it marks a proxy's past-due leases itself before leasing it again (those
 * are then not returned here).
 */
export async function expireDueLeases(db: Database, options: { limit?: number } = {}): Promise<ExpiredLease[]> {
  const limit = options.limit ?? 1000;
  const rows = await db.$queryRaw<
    Array<{ id: string; user_id: string; proxy_id: string; ip: string; port: number; expires_at: Date; expired_at: Date }>
  >`
    WITH due AS (
      SELECT id FROM leases
      WHERE released_at IS NULL AND expired_at IS NULL AND expires_at <= now()
      ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    UPDATE leases l SET expired_at = now()
    FROM due, proxies p
    WHERE l.id = due.id AND p.id = l.proxy_id
    RETURNING l.id, l.user_id, l.proxy_id, host(p.ip) AS ip, p.port, l.expires_at, l.expired_at`;
  return rows.map((row) => ({
    leaseId: row.id,
    userId: row.user_id,
    proxyId: row.proxy_id,
    ip: row.ip,
    port: row.port,
    expiresAt: row.expires_at,
    expiredAt: row.expired_at,
  }));
}
