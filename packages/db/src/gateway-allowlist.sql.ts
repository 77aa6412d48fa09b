import { Prisma } from '../generated/client/index.js';
import { sqlRows, type Database } from './client.js';

export interface GatewayAllowEntryRow {
  id: string;
  apiKeyId: string;
  cidr: string;
  params: string;
  createdAt: Date;
}

const COLUMNS = Prisma.sql`a.id, a.api_key_id AS "apiKeyId", a.cidr::text AS cidr, a.params, a.created_at AS "createdAt"`;

export async function listGatewayAllowlist(db: Database, userId: string): Promise<GatewayAllowEntryRow[]> {
  return sqlRows<GatewayAllowEntryRow>(
    db.pool,
    Prisma.sql`SELECT ${COLUMNS} FROM gateway_allowlist a WHERE a.user_id = ${userId}::uuid ORDER BY a.created_at, a.id`,
  );
}

export type AllowEntryCreation =
  | { kind: 'created'; entry: GatewayAllowEntryRow }
  | { kind: 'taken' }
  | { kind: 'no_key' };

/**
 * Adds a client range for one of the user's live keys. A range (normalised by PostgreSQL's cidr type) belongs
 * to at most one key across all users: whoever's it is pays for its traffic.
 */
export async function createGatewayAllowEntry(
  db: Database,
  input: { userId: string; apiKeyId: string; cidr: string; params: string },
): Promise<AllowEntryCreation> {
  const [row] = await sqlRows<GatewayAllowEntryRow & { inserted: boolean }>(
    db.pool,
    Prisma.sql`WITH key AS (SELECT id FROM api_keys WHERE id = ${input.apiKeyId}::uuid AND user_id = ${input.userId}::uuid AND revoked_at IS NULL),
      a AS (INSERT INTO gateway_allowlist (id, api_key_id, user_id, cidr, params)
        SELECT gen_random_uuid(), key.id, ${input.userId}::uuid, ${input.cidr}::cidr, ${input.params} FROM key
        ON CONFLICT (cidr) DO NOTHING RETURNING *)
      SELECT ${COLUMNS}, true AS inserted FROM a
      UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, false WHERE EXISTS (SELECT 1 FROM key) AND NOT EXISTS (SELECT 1 FROM a)`,
  );
  if (!row) return { kind: 'no_key' };
  if (!row.inserted) return { kind: 'taken' };
  const { inserted: _inserted, ...entry } = row;
  return { kind: 'created', entry };
}

export async function deleteGatewayAllowEntry(db: Database, userId: string, id: string): Promise<boolean> {
  const rows = await sqlRows(
    db.pool,
    Prisma.sql`DELETE FROM gateway_allowlist WHERE id = ${id}::uuid AND user_id = ${userId}::uuid RETURNING id`,
  );
  return rows.length > 0;
}

/** The holder an allowlisted client address acts as: the most specific range containing it, of a live key. */
export interface AllowedClient {
  apiKeyId: string;
  userId: string;
  params: string;
}

export async function findAllowedClient(db: Database, address: string): Promise<AllowedClient | null> {
  const [row] = await sqlRows<AllowedClient>(
    db.pool,
    Prisma.sql`SELECT a.api_key_id AS "apiKeyId", a.user_id AS "userId", a.params
      FROM gateway_allowlist a JOIN api_keys k ON k.id = a.api_key_id AND k.revoked_at IS NULL
      WHERE a.cidr >>= ${address}::inet ORDER BY masklen(a.cidr) DESC LIMIT 1`,
  );
  return row ?? null;
}
