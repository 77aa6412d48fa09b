import { Prisma } from '../generated/client/index.js';
import { preparedRows, sqlRows, type Database } from './client.js';

export interface LeaseEnd {
  leaseId: string;
  releasedAt: Date | null;
  expiresAt: Date;
  /** True only for the call that ended the lease (not for repeats). */
  releasedNow: boolean;
}

/**
 * Ends the user's lease now, if it is still live, and frees its proxy (leased_until cleared) in the same
 * statement. Idempotent: a second call changes nothing and returns the same row. A lease that ran out before
 * release keeps `releasedAt` null. Null when the lease does not exist or belongs to someone else (the caller
 * answers 404 either way, so leases of others are not discoverable). The proxy row is locked before the lease
 * row, the order acquire takes them in, so the two never deadlock.
 */
export async function releaseLease(db: Database, userId: string, leaseId: string): Promise<LeaseEnd | null> {
  type Row = { id: string; released_at: Date | null; expires_at: Date };
  const [released] = await preparedRows<Row>(
    db.pool,
    Prisma.sql`
    WITH target AS (SELECT proxy_id FROM leases WHERE id = ${leaseId}::uuid AND user_id = ${userId}::uuid),
    locked AS (SELECT p.id FROM proxies p WHERE p.id = (SELECT proxy_id FROM target) FOR NO KEY UPDATE),
    released AS (
      UPDATE leases SET released_at = clock_timestamp()
      WHERE id = ${leaseId}::uuid AND user_id = ${userId}::uuid AND EXISTS (SELECT 1 FROM locked)
        AND released_at IS NULL AND expired_at IS NULL AND expires_at > now()
      RETURNING id, proxy_id, released_at, expires_at),
    freed AS (
      UPDATE proxies p SET leased_until = NULL FROM released r
      WHERE p.id = r.proxy_id AND p.leased_until = r.expires_at RETURNING p.id)
    SELECT id, released_at, expires_at FROM released WHERE (SELECT count(*) FROM freed) >= 0`,
  );
  // Not updated: already ended, or not this user's. A separate statement, so it sees a release committed meanwhile.
  const [row] = released
    ? [released]
    : await sqlRows<Row>(
        db.pool,
        Prisma.sql`SELECT id, released_at, expires_at FROM leases WHERE id = ${leaseId}::uuid AND user_id = ${userId}::uuid`,
      );
  return row
    ? { leaseId: row.id, releasedAt: row.released_at, expiresAt: row.expires_at, releasedNow: released !== undefined }
    : null;
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
 * `lease.expired`), then frees the proxies whose lease ran out (leased_until cleared, back in the leasable
 * index). Rows another sweeper or an acquire holds are skipped, so replicas never return the same lease twice
 * and the sweeper never waits on a lock (no deadlock with acquire, which locks proxy then lease). Acquire
 * does not wait for this: it leases a proxy whose lease ran out at once, marking that lease expired itself
 * (it is then not returned here).
 */
export async function expireDueLeases(db: Database, options: { limit?: number } = {}): Promise<ExpiredLease[]> {
  const limit = options.limit ?? 1000;
  const rows = await db.$queryRaw<
    Array<{
      id: string;
      user_id: string;
      proxy_id: string;
      ip: string;
      port: number;
      expires_at: Date;
      expired_at: Date;
    }>
  >`
    WITH due AS (
      SELECT id FROM leases
      WHERE released_at IS NULL AND expired_at IS NULL AND expires_at <= now()
      ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    UPDATE leases l SET expired_at = now()
    FROM due, proxies p
    WHERE l.id = due.id AND p.id = l.proxy_id
    RETURNING l.id, l.user_id, l.proxy_id, host(p.ip) AS ip, p.port, l.expires_at, l.expired_at`;
  await db.$executeRaw`
    UPDATE proxies SET leased_until = NULL
    WHERE id IN (SELECT id FROM proxies WHERE leased_until <= now() LIMIT ${limit} FOR NO KEY UPDATE SKIP LOCKED)`;
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
