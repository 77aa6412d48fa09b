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

/** Deletes proxy_checks rows older than `olderThanDays`, `batchSize` rows a statement (short locks, small WAL bursts). */
export async function pruneOldChecks(
  db: Database,
  options: { olderThanDays: number; batchSize: number },
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM proxy_checks WHERE id IN (
        SELECT id FROM proxy_checks WHERE created_at < now() - make_interval(days => ${options.olderThanDays}::int)
        LIMIT ${options.batchSize})`;
    total += deleted;
    if (deleted < options.batchSize) return total;
  }
}

export interface DeadProxyRetention {
  olderThanDays: number;
  batchSize: number;
  /**
   * A validation passed when its last stage passed (a stage runs only after every earlier one passed), so
   * "no pass since" is "no passing check row of this stage in the window".
   */
  finalStage: number;
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
          AND NOT EXISTS (
            SELECT 1 FROM proxy_checks c
            WHERE c.proxy_id = p.id AND c.passed AND c.stage >= ${options.finalStage}::int
              AND c.created_at >= now() - make_interval(days => ${options.olderThanDays}::int))
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
