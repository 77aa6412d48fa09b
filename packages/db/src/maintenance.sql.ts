import { Prisma } from '../generated/client/index.js';
import type { Database } from './client.js';

export interface DueClaim {
  ids: string[];
  /** The claiming transaction's time: the same for every id of one claim, different for every other claim. */
  claimedAt: Date;
}

/**
 * Claims up to `limit` due proxies (`next_check_at <= now()`, most overdue first) and pushes their
 * `next_check_at` forward by the lease in the same statement. Rows another sweep holds are skipped, and a
 * claimed row is no longer due, so two sweeps (or two replicas) never return the same proxy. The lease also
 * bounds how long a lost job delays a proxy: once it runs out the proxy is due again.
 */
export async function claimDueProxies(
  db: Database,
  options: { limit: number; leaseSeconds: number },
): Promise<DueClaim> {
  const rows = await db.$queryRaw<Array<{ id: string; claimed_at: Date }>>`
    WITH due AS (
      SELECT id FROM proxies WHERE next_check_at <= now()
      ORDER BY next_check_at LIMIT ${options.limit} FOR UPDATE SKIP LOCKED)
    UPDATE proxies p SET next_check_at = now() + make_interval(secs => ${options.leaseSeconds}::float8)
    FROM due WHERE p.id = due.id
    RETURNING p.id, now() AS claimed_at`;
  return { ids: rows.map((row) => row.id), claimedAt: rows[0]?.claimed_at ?? new Date() };
}

export interface CheckHistoryRetention {
  /** Days of history kept: a day's partition is dropped once the whole day is older than this. */
  retentionDays: number;
  /** Daily partitions created ahead of today, so writes never wait for one. */
  daysAhead: number;
  /** The clock the rules run by (tests move it across day boundaries). */
  at?: Date;
}

/**
 * Keeps the partitioned check history (`history.proxy_checks`, one partition per UTC day) in shape: creates the
 * partitions from today to `daysAhead` days on, and drops those whose day ended more than `retentionDays` ago
 * (whole tables dropped: no row-by-row DELETE, no bloat). Both are SQL functions of the migration; they take an
 * advisory lock, so replicas may run this together. Returns the rows removed and the partitions created.
 */
export async function maintainCheckHistory(
  db: Database,
  options: CheckHistoryRetention,
): Promise<{ removed: number; created: number }> {
  const at = options.at ?? new Date();
  const [row] = await db.$queryRaw<Array<{ created: number; removed: bigint }>>`
    SELECT history.ensure_check_partitions(${at}::timestamptz, ${at}::timestamptz + make_interval(days => ${options.daysAhead}::int)) AS created,
           history.drop_check_partitions(${at}::timestamptz - make_interval(days => ${options.retentionDays}::int)) AS removed`;
  return { created: row?.created ?? 0, removed: Number(row?.removed ?? 0) };
}

/**
 * Deletes lease reports older than `olderThanDays` and per-site figures of (proxy, site) pairs nothing touched for
 * as long, `batchSize` rows a statement. Returns the rows deleted.
 */
export async function pruneSiteFeedback(
  db: Database,
  options: { olderThanDays: number; batchSize: number },
): Promise<number> {
  let total = 0;
  for (const table of ['lease_reports', 'proxy_site_stats'] as const) {
    const column = table === 'lease_reports' ? Prisma.raw('created_at') : Prisma.raw('updated_at');
    for (;;) {
      const deleted = await db.$executeRaw`
        DELETE FROM ${Prisma.raw(table)} WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM ${Prisma.raw(table)}
          WHERE ${column} < now() - make_interval(days => ${options.olderThanDays}::int) LIMIT ${options.batchSize}))`;
      total += deleted;
      if (deleted < options.batchSize) break;
    }
  }
  return total;
}

export interface DeadProxyRetention {
  olderThanDays: number;
  batchSize: number;
}

/**
 * Deletes proxies that are dead and have not passed a validation for `olderThanDays` (never, for a proxy
 * first seen before the window that never worked), unless a live lease holds them. Rows another transaction
 * holds are skipped and taken by the next run. Their check rows and past leases go with them (cascade).
 */
export async function deleteLongDeadProxies(db: Database, options: DeadProxyRetention): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      WITH doomed AS (
        SELECT p.id FROM proxies p
        WHERE p.status = 'dead'
          AND p.first_seen_at < now() - make_interval(days => ${options.olderThanDays}::int)
          AND p.last_checked_at IS NOT NULL
          AND (p.last_passed_at IS NULL
            OR p.last_passed_at < now() - make_interval(days => ${options.olderThanDays}::int))
          AND NOT EXISTS (
            SELECT 1 FROM leases l
            WHERE l.proxy_id = p.id AND l.released_at IS NULL AND l.expired_at IS NULL AND l.expires_at > now())
        LIMIT ${options.batchSize}
        FOR UPDATE OF p SKIP LOCKED)
      DELETE FROM proxies WHERE id IN (SELECT id FROM doomed)`;
    total += deleted;
    if (deleted < options.batchSize) return total;
  }
}
