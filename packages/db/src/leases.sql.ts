import { Prisma } from '../generated/client/index.js';
import { inTransaction, preparedRows, sqlRows, type Database, type SqlRunner } from './client.js';
import { proxyFilterConditions, sqlAnd } from './proxies.sql.js';
import type { AcquireHooks, AcquireInput, AcquireOutcome, LeaseGrant, LeasedProxy } from './lease-types.js';
import { SITE_RATE_SQL, type SiteFilter } from './site-stats.sql.js';

export type {
  AcquireFilters,
  AcquireHooks,
  AcquireInput,
  AcquireOutcome,
  LeaseGrant,
  LeasedProxy,
} from './lease-types.js';

/** A retry covers the rare race where a proxy was leased between our snapshot and our row lock. */
const MAX_ATTEMPTS = 10;
const IDEMPOTENCY_WINDOW = Prisma.sql`interval '24 hours'`;
const LIVE = Prisma.sql`l.released_at IS NULL AND l.expired_at IS NULL`;
/** Free now: never leased, released, swept, or its lease ran out (leased_until in the past). */
const LEASABLE = Prisma.sql`(p.leased_until IS NULL OR p.leased_until <= now())`;
const ACQUIRE_ORDER = Prisma.sql`ORDER BY p.score DESC, p.last_leased_at ASC NULLS FIRST, p.id`;
/** With `target=`: how many of the best proxies seen on the site one acquire considers (the rest wait for the next). */
const SEEN_SHORTLIST = 16;
/** With `target=`: the best site rate first, then the usual order. */
const SITE_ORDER = Prisma.sql`ORDER BY p.site_rate DESC, p.score DESC, p.last_leased_at ASC NULLS FIRST, p.id`;
const PROXY_COLUMNS = Prisma.sql`p.id, host(p.ip) AS ip, p.port, p.protocol, p.country, p.anonymity, p.username, p.password`;
const CANDIDATE_COLUMNS = Prisma.sql`${PROXY_COLUMNS}, p.score, p.last_leased_at`;

/**
 * Leases the best free active proxy matching the filters to the user for one credit. Without an idempotency
 * key it is a single statement (its own transaction, one round trip); with one, a transaction that first takes
 * a lock on (user, key), then looks the key up, and stores the answer (beforeCommit) before COMMIT. The key
 * is decided before anything else: a concurrent duplicate waits on the lock until the first transaction ends,
 * then finds its lease and replays it; it never reaches the balance check (on a 1-credit account it would
 * see the balance the first one spent: 402) or the proxy walk. The unique index (user_id, idempotency_key)
 * remains the guarantee should two holders ever race past the lock.
 * It runs on the raw pool (one of the API's hottest paths), not through the Prisma client.
 */
export async function acquireLease(
  db: Database,
  input: AcquireInput,
  hooks: AcquireHooks = {},
): Promise<AcquireOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const key = input.idempotencyKey;
      if (key === undefined) return await acquireOnce(db.pool, input, hooks);
      return await inTransaction(db.pool, async (tx) => {
        await lockIdempotencyKey(tx, input.userId, key);
        const existing = await findLeaseByIdempotencyKey(tx, input.userId, key);
        return existing ? { kind: 'replayed', grant: existing } : acquireOnce(tx, input, hooks);
      });
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === 'leases_user_id_idempotency_key_key' && input.idempotencyKey !== undefined) {
        const grant = await findLeaseByIdempotencyKey(db.pool, input.userId, input.idempotencyKey);
        if (grant) return { kind: 'replayed', grant };
      }
      if (constraint !== 'leases_one_live_per_proxy') throw error;
      if (attempt >= MAX_ATTEMPTS) return { kind: 'all_leased' };
    }
  }
}

async function acquireOnce(q: SqlRunner, input: AcquireInput, hooks: AcquireHooks): Promise<AcquireOutcome> {
  // A lease holder may use the proxy for https: one seen intercepting TLS (mitm) is never leased.
  const matching = sqlAnd([
    Prisma.sql`p.status = 'active'`,
    Prisma.sql`NOT p.mitm`,
    ...proxyFilterConditions(input.filters),
  ]);
  let row = await leaseStatement(q, input, matching, true);
  if (row.balance >= 1 && row.id === null) {
    const [seen] = await sqlRows<{ matching: boolean; free: boolean }>(
      q,
      Prisma.sql`SELECT EXISTS (SELECT 1 FROM proxies p WHERE ${matching}) AS matching,
        EXISTS (SELECT 1 FROM proxies p WHERE ${matching} AND ${LEASABLE}) AS free`,
    );
    if (!seen?.matching) return { kind: 'no_match' };
    if (!seen.free) return { kind: 'all_leased' };
    // Free proxies exist, but concurrent acquires hold their rows and may roll back: wait for them.
    row = await leaseStatement(q, input, matching, false);
    if (row.balance >= 1 && row.id === null) return { kind: 'all_leased' };
  }
  if (row.balance < 1) return { kind: 'insufficient_credits', balance: row.balance };
  // A proxy was picked but the guarded decrement found the balance below 1 (a concurrent acquire of the
  // same user spent it): nothing was written, and the balance is now 0.
  if (row.lease_id === null || row.credits_remaining === null || row.expires_at === null)
    return { kind: 'insufficient_credits', balance: 0 };
  const { id, ip, port, protocol, country, anonymity, username, password } = row as LeasedProxy & typeof row;
  const grant: LeaseGrant = {
    leaseId: row.lease_id,
    proxy: { id, ip, port, protocol, country, anonymity, username, password },
    expiresAt: row.expires_at,
  };
  await hooks.beforeCommit?.(grant, row.credits_remaining);
  const lapsed =
    row.lapsed_lease_id && row.lapsed_user_id && row.lapsed_expires_at
      ? { leaseId: row.lapsed_lease_id, userId: row.lapsed_user_id, expiresAt: row.lapsed_expires_at }
      : undefined;
  return { kind: 'acquired', grant, creditsRemaining: row.credits_remaining, lapsed };
}

type StatementRow = {
  balance: number;
  lease_id: string | null;
  expires_at: Date | null;
  credits_remaining: number | null;
  lapsed_lease_id: string | null;
  lapsed_user_id: string | null;
  lapsed_expires_at: Date | null;
} & {
  [K in keyof LeasedProxy]: LeasedProxy[K] | null;
};

/**
 * The whole acquire in one statement. `free` locks the best matching proxy without a lease (the
 * proxies_leasable_idx walk, in acquire order), `lapsed` the best one whose lease ran out unswept (SKIP
 * LOCKED, or waiting); `picked` is the better of the two. The lock rechecks leased_until on the newest row
 * version, so a proxy a concurrent acquire just leased is passed over. `expired` marks its past-due leases
 * expired; `charged` decrements the balance guarded by >= 1 and reads `expired` to completion first, so the
 * insert into `lease` never meets a past-due lease in the partial unique index (one live lease per proxy);
 * `ledger` writes the acquire transaction; `touched` stamps last_leased_at and leased_until. Each step reads
 * the previous one's output, which fixes their order. The lease starts at clock_timestamp(), read after this
 * statement's snapshot: later than the end (released_at) of any lease that snapshot saw ended, so a proxy's
 * lease periods never overlap, not even by the few ms a statement takes to plan.
 */
async function leaseStatement(
  q: SqlRunner,
  input: AcquireInput,
  matching: Prisma.Sql,
  skipLocked: boolean,
): Promise<StatementRow> {
  const { userId } = input;
  const lock = Prisma.sql`FOR NO KEY UPDATE OF p ${skipLocked ? Prisma.sql`SKIP LOCKED` : Prisma.empty}`;
  const bestWhere = (leaseState: Prisma.Sql) => Prisma.sql`
      SELECT ${CANDIDATE_COLUMNS} FROM proxies p
      WHERE (SELECT credit_balance FROM me) >= 1 AND ${matching} AND ${leaseState}
      ${ACQUIRE_ORDER} LIMIT 1 ${lock}`;
  const candidates = input.filters.site
    ? siteCandidates(input.filters.site, matching, lock)
    : Prisma.sql`free AS (${bestWhere(Prisma.sql`p.leased_until IS NULL`)}),
    lapsed AS (${bestWhere(Prisma.sql`p.leased_until <= now()`)}),
    candidates AS (SELECT * FROM free UNION ALL SELECT * FROM lapsed)`;
  const [row] = await preparedRows<StatementRow>(
    q,
    Prisma.sql`
    WITH me AS (SELECT credit_balance FROM users WHERE id = ${userId}::uuid),
    ${candidates},
    picked AS (
      SELECT p.id, p.ip, p.port, p.protocol, p.country, p.anonymity, p.username, p.password
      FROM candidates p ${input.filters.site ? SITE_ORDER : ACQUIRE_ORDER} LIMIT 1),
    expired AS (
      UPDATE leases l SET expired_at = now()
      WHERE l.proxy_id = (SELECT id FROM picked) AND ${LIVE} AND l.expires_at <= now() RETURNING l.id, l.user_id, l.expires_at),
    charged AS (
      UPDATE users SET credit_balance = credit_balance - 1, updated_at = now()
      WHERE id = ${userId}::uuid AND credit_balance >= 1 AND EXISTS (SELECT 1 FROM picked) AND (SELECT count(*) FROM expired) >= 0
      RETURNING credit_balance),
    stamp AS (SELECT clock_timestamp() AS at),
    lease AS (
      INSERT INTO leases (id, proxy_id, user_id, api_key_id, idempotency_key, created_at, expires_at)
      SELECT gen_random_uuid(), picked.id, ${userId}::uuid, ${input.apiKeyId}::uuid, ${input.idempotencyKey ?? null},
        stamp.at, stamp.at + ${input.durationSeconds}::int * interval '1 second'
      FROM picked, charged, stamp RETURNING id, proxy_id, created_at, expires_at),
    ledger AS (
      INSERT INTO credit_transactions (id, user_id, amount, tx_type, description, lease_id, created_at)
      SELECT gen_random_uuid(), ${userId}::uuid, -1, 'acquire',
        'Proxy acquired: ' || CASE WHEN family(picked.ip::inet) = 6 THEN '[' || picked.ip || ']' ELSE picked.ip END || ':' || picked.port,
        lease.id, lease.created_at
      FROM lease, picked RETURNING id),
    touched AS (
      UPDATE proxies SET last_leased_at = lease.created_at, leased_until = lease.expires_at
      FROM lease WHERE proxies.id = lease.proxy_id RETURNING proxies.id)
    SELECT me.credit_balance AS balance, picked.*, lease.id AS lease_id, lease.expires_at, charged.credit_balance AS credits_remaining,
      expired.id AS lapsed_lease_id, expired.user_id AS lapsed_user_id, expired.expires_at AS lapsed_expires_at
    FROM me LEFT JOIN picked ON TRUE LEFT JOIN charged ON TRUE LEFT JOIN lease ON TRUE
      LEFT JOIN expired ON lease.id IS NOT NULL`,
  );
  if (!row) throw new Error(`acquire: user ${userId} does not exist`);
  return row;
}

/**
 * The candidates of a `target=` acquire: the best free and the best lapsed proxy, each among those seen on the
 * site (their rate from their figures: a short list read by target_host) and among those never seen there
 * (rate 0.5: the usual leasable-index walk), so no rate is computed for the whole pool. Each is locked as in
 * the plain acquire; `picked` takes the best of the four by site rate, then the usual order.
 */
function siteCandidates(site: SiteFilter, matching: Prisma.Sql, lock: Prisma.Sql): Prisma.Sql {
  const usable = (leaseState: Prisma.Sql) =>
    Prisma.sql`(SELECT credit_balance FROM me) >= 1 AND ${matching} AND ${leaseState}`;
  const unseen = (leaseState: Prisma.Sql) => Prisma.sql`
      SELECT ${CANDIDATE_COLUMNS}, 0.5::real AS site_rate FROM proxies p
      WHERE ${usable(leaseState)}
        AND p.id NOT IN (SELECT s.proxy_id FROM proxy_site_stats s WHERE s.target_host = ${site.host})
      ${ACQUIRE_ORDER} LIMIT 1 ${lock}`;
  // The best few seen on the site are ranked from its figures without locks, in rate order with one primary-key
  // lookup per proxy (ties sorted by score incrementally, stopping at the shortlist's end; the LIMIT 1 keeps
  // the lookup from becoming a join that hashes the whole pool), then the best of them still free is locked.
  const seen = (leaseState: Prisma.Sql) => Prisma.sql`
      SELECT ${CANDIDATE_COLUMNS}, r.site_rate FROM (
        SELECT s.proxy_id, s.site_rate FROM (
          SELECT s.proxy_id, ${SITE_RATE_SQL} AS site_rate FROM proxy_site_stats s
          WHERE s.target_host = ${site.host} ORDER BY site_rate DESC) s
        CROSS JOIN LATERAL (
          SELECT p.score, p.last_leased_at FROM proxies p WHERE p.id = s.proxy_id AND ${usable(leaseState)} LIMIT 1) c
        ORDER BY s.site_rate DESC, c.score DESC, c.last_leased_at ASC NULLS FIRST, s.proxy_id LIMIT ${SEEN_SHORTLIST}) r
      JOIN proxies p ON p.id = r.proxy_id
      WHERE ${usable(leaseState)}
      ORDER BY r.site_rate DESC, p.score DESC, p.last_leased_at ASC NULLS FIRST, p.id LIMIT 1 ${lock}`;
  const free = Prisma.sql`p.leased_until IS NULL`;
  const lapsed = Prisma.sql`p.leased_until <= now()`;
  return Prisma.sql`free AS (${unseen(free)}), free_seen AS (${seen(free)}),
    lapsed AS (${unseen(lapsed)}), lapsed_seen AS (${seen(lapsed)}),
    candidates AS (
      SELECT * FROM free UNION ALL SELECT * FROM free_seen UNION ALL SELECT * FROM lapsed UNION ALL SELECT * FROM lapsed_seen)`;
}

/**
 * Serialises the transactions of one (user, idempotency key) until COMMIT or ROLLBACK. Each later statement
 * of a READ COMMITTED transaction reads a fresh snapshot, so the lookup after the lock sees the lease a
 * predecessor committed. A hash collision between two keys only makes them wait for each other.
 */
async function lockIdempotencyKey(tx: SqlRunner, userId: string, key: string): Promise<void> {
  await sqlRows(tx, Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${userId}:${key}`}, 0))`);
}

/** The user's lease made under this idempotency key within 24 h; an older key is cleared so it can be reused. */
export async function findLeaseByIdempotencyKey(q: SqlRunner, userId: string, key: string): Promise<LeaseGrant | null> {
  // `cleared` runs to completion although unread (PostgreSQL always completes data-modifying CTEs).
  const rows = await sqlRows<LeasedProxy & { lease_id: string; expires_at: Date }>(
    q,
    Prisma.sql`
    WITH cleared AS (
      UPDATE leases SET idempotency_key = NULL
      WHERE user_id = ${userId}::uuid AND idempotency_key = ${key} AND created_at <= now() - ${IDEMPOTENCY_WINDOW} RETURNING id)
    SELECT l.id AS lease_id, l.expires_at, ${PROXY_COLUMNS}
    FROM leases l JOIN proxies p ON p.id = l.proxy_id
    WHERE l.user_id = ${userId}::uuid AND l.idempotency_key = ${key} AND l.created_at > now() - ${IDEMPOTENCY_WINDOW}`,
  );
  const [row] = rows;
  if (!row) return null;
  const { lease_id: leaseId, expires_at: expiresAt, ...proxy } = row;
  return { leaseId, expiresAt, proxy };
}

/** The name of the unique constraint a node-postgres error violated, if any. */
function uniqueViolation(error: unknown): string | null {
  const failed = error as { code?: string; constraint?: string };
  return failed?.code === '23505' ? (failed.constraint ?? '') : null;
}
