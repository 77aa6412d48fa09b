import { Prisma, type Anonymity, type ProxyProtocol, type TxType, type UserRole } from '../generated/client/index.js';
import { preparedRows, type Database } from './client.js';

/** A credit transaction as written by {@link applyCreditChange}. */
export interface CreditChangeRow {
  balance: number;
  id: string;
  amount: number;
  txType: Exclude<TxType, 'acquire'>;
  description: string;
  createdAt: Date;
}

export interface CreditChange {
  userId: string;
  /** Signed: positive credits, negative debits. */
  amount: number;
  txType: CreditChangeRow['txType'];
  description: string;
}

/**
 * Moves a user's balance by `amount` and records the transaction, in one statement (one transaction).
 * The guarded UPDATE touches no row when the result would leave 0..2^31-1, so nothing is written then:
 * the answer is null and the caller finds out why.
 */
export async function applyCreditChange(db: Database, change: CreditChange): Promise<CreditChangeRow | null> {
  const rows = await db.$queryRaw<CreditChangeRow[]>`
    WITH updated AS (
      UPDATE users SET credit_balance = credit_balance + ${change.amount}::int, updated_at = now()
      WHERE id = ${change.userId}::uuid
        AND credit_balance::bigint + ${change.amount}::int BETWEEN 0 AND 2147483647
      RETURNING id, credit_balance
    ), inserted AS (
      INSERT INTO credit_transactions (id, user_id, amount, tx_type, description)
      SELECT gen_random_uuid(), updated.id, ${change.amount}::int, ${change.txType}::"TxType", ${change.description}::text FROM updated
      RETURNING id, amount, tx_type, description, created_at
    )
    SELECT updated.credit_balance AS balance, inserted.id::text AS id, inserted.amount,
           inserted.tx_type::text AS "txType", inserted.description, inserted.created_at AS "createdAt"
    FROM updated, inserted`;
  return rows[0] ?? null;
}

/** A live lease with the proxy fields a lease holder needs. */
export interface LiveLeaseRow {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  ip: string;
  port: number;
  protocol: ProxyProtocol;
  country: string | null;
  anonymity: Anonymity | null;
}

const LIVE_LEASE = Prisma.sql`l.released_at IS NULL AND l.expired_at IS NULL AND l.expires_at > now()`;

/** The user's live leases, newest first, after the (created_at, id) position `after` when given. */
export async function listLiveLeases(
  db: Database,
  userId: string,
  limit: number,
  after?: CreatedAtPosition,
): Promise<LiveLeaseRow[]> {
  const seek = after
    ? Prisma.sql`AND (l.created_at, l.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`
    : Prisma.empty;
  return db.$queryRaw<LiveLeaseRow[]>`
    SELECT l.id::text AS id, l.created_at AS "createdAt", l.expires_at AS "expiresAt",
           host(p.ip) AS ip, p.port, p.protocol::text AS protocol, p.country, p.anonymity::text AS anonymity
    FROM leases l JOIN proxies p ON p.id = l.proxy_id
    WHERE l.user_id = ${userId}::uuid AND ${LIVE_LEASE} ${seek}
    ORDER BY l.created_at DESC, l.id DESC
    LIMIT ${limit}`;
}

export async function countLiveLeases(db: Database, userId: string): Promise<number> {
  const rows = await db.$queryRaw<Array<{ count: number }>>`
    SELECT count(*)::int AS count FROM leases l WHERE l.user_id = ${userId}::uuid AND ${LIVE_LEASE}`;
  return rows[0]?.count ?? 0;
}

/**
 * Revokes one of a user's keys unless it is their last live one. The user row is locked first, so two
 * concurrent revocations cannot each leave the other as the "remaining" key and lock the user out.
 */
export async function revokeApiKey(
  db: Database,
  userId: string,
  keyId: string,
): Promise<{ outcome: 'revoked' | 'already_revoked' | 'not_found' | 'last_key' }> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    const key = await tx.apiKey.findFirst({ where: { id: keyId, userId }, select: { revokedAt: true } });
    if (!key) return { outcome: 'not_found' as const };
    if (key.revokedAt) return { outcome: 'already_revoked' as const };
    const othersLive = await tx.apiKey.count({ where: { userId, revokedAt: null, id: { not: keyId } } });
    if (othersLive === 0) return { outcome: 'last_key' as const };
    await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    return { outcome: 'revoked' as const };
  });
}

/** A (created_at, id) position of a newest-first list. */
export interface CreatedAtPosition {
  createdAt: Date;
  id: string;
}

/** Prisma `where` for rows after `position` in newest-first (created_at DESC, id DESC) order. */
export function olderThan(position: CreatedAtPosition | undefined): {
  OR?: Array<{ createdAt: { lt: Date } } | { createdAt: Date; id: { lt: string } }>;
} {
  if (!position) return {};
  return {
    OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }],
  };
}

export interface KeyHolder {
  apiKeyId: string;
  userId: string;
  role: UserRole;
}

/**
 * The holder of a live (not revoked) API key, by the key's SHA-256. Read on every authenticated request, so it
 * is a prepared statement on the raw pool (planned once per connection).
 */
export async function findKeyHolder(db: Database, keyHash: string): Promise<KeyHolder | null> {
  const [holder] = await preparedRows<KeyHolder>(
    db.pool,
    Prisma.sql`SELECT k.id AS "apiKeyId", k.user_id AS "userId", u.role::text AS role
      FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL`,
  );
  return holder ?? null;
}

/** Stamps a key's last use, at most once a minute (a no-op within the minute). */
export async function touchKeyLastUsed(db: Database, apiKeyId: string): Promise<void> {
  await preparedRows(
    db.pool,
    Prisma.sql`UPDATE api_keys SET last_used_at = now()
      WHERE id = ${apiKeyId}::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
  );
}
