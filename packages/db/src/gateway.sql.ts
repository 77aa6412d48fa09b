import { Prisma } from '../generated/client/index.js';
import type { ProxyProtocol } from '../generated/client/index.js';
import type { ProxyEndpoint } from './check-claims.sql.js';
import { preparedRows, sqlRows, type Database } from './client.js';
import { proxyFilterConditions, sqlAnd, type ProxyFilters } from './proxies.sql.js';

/** An active proxy the gateway may send a connection through, with what it needs to reach it. */
export interface GatewayCandidate extends ProxyEndpoint {
  score: number;
  /** Upstream outcomes the gateway recorded for this proxy. */
  gatewaySuccesses: number;
  gatewayFailures: number;
}

export interface GatewayCandidateQuery {
  /** The user asking: proxies under their own live lease stay usable to them. */
  userId: string;
  /** `mitm: false` for tunnels: a proxy seen intercepting TLS carries only plain HTTP requests. */
  filters: Pick<ProxyFilters, 'protocol' | 'anonymity' | 'country' | 'minScore' | 'mitm'>;
  /** Protocols able to carry this kind of connection (tunnels need CONNECT or SOCKS). */
  protocols: readonly ProxyProtocol[];
  limit: number;
}

const CANDIDATE_COLUMNS = Prisma.sql`p.id, host(p.ip) AS ip, p.port, p.protocol, p.username, p.password, p.score, p.gateway_successes AS "gatewaySuccesses", p.gateway_failures AS "gatewayFailures"`;
/** Not under someone else's live lease: free, lapsed (leased_until passed), or leased by this user. */
const notLeasedByOthers = (userId: string) => Prisma.sql`(p.leased_until IS NULL OR p.leased_until <= now() OR EXISTS (
  SELECT 1 FROM leases l WHERE l.proxy_id = p.id AND l.user_id = ${userId}::uuid
    AND l.released_at IS NULL AND l.expired_at IS NULL AND l.expires_at > now()))`;

function matchingCondition(query: Omit<GatewayCandidateQuery, 'userId' | 'limit'>): Prisma.Sql {
  return sqlAnd([
    Prisma.sql`p.status = 'active'`,
    Prisma.sql`p.protocol = ANY(${[...query.protocols]}::"ProxyProtocol"[])`,
    ...proxyFilterConditions(query.filters),
  ]);
}

/** The best-scored matching active proxies not under another user's live lease (the gateway draws among them). */
export async function pickGatewayCandidates(db: Database, query: GatewayCandidateQuery): Promise<GatewayCandidate[]> {
  // Prepared: run for every rotating connection, with a handful of shapes (one per combination of filters).
  return preparedRows<GatewayCandidate>(
    db.pool,
    Prisma.sql`SELECT ${CANDIDATE_COLUMNS} FROM proxies p
      WHERE ${matchingCondition(query)} AND ${notLeasedByOthers(query.userId)}
      ORDER BY p.score DESC, p.id LIMIT ${query.limit}`,
  );
}

/** A matching proxy with who holds its live lease, if anyone: a list every user of one gateway can share. */
export interface SharedGatewayCandidate extends GatewayCandidate {
  /** The user holding a live lease on it, or null. */
  leasedTo: string | null;
  /** When that lease ends (null: none). */
  leasedUntil: Date | null;
}

/**
 * The best-scored matching active proxies, leased or not, each with its live lease's holder: the gateway caches
 * this per filter combination and leaves out, per connection, what another user holds.
 */
export async function readGatewayCandidates(
  db: Database,
  query: Omit<GatewayCandidateQuery, 'userId'>,
): Promise<SharedGatewayCandidate[]> {
  return preparedRows<SharedGatewayCandidate>(
    db.pool,
    Prisma.sql`SELECT ${CANDIDATE_COLUMNS}, p.leased_until AS "leasedUntil",
        CASE WHEN p.leased_until > now() THEN (SELECT l.user_id FROM leases l WHERE l.proxy_id = p.id
          AND l.released_at IS NULL AND l.expired_at IS NULL AND l.expires_at > now() LIMIT 1) END AS "leasedTo"
      FROM proxies p WHERE ${matchingCondition(query)}
      ORDER BY p.score DESC, p.id LIMIT ${query.limit}`,
  );
}

/** Whether any active proxy matches at all: tells "nothing matches" from "everything matching is leased". */
export async function anyGatewayMatch(
  db: Database,
  query: Omit<GatewayCandidateQuery, 'userId' | 'limit'>,
): Promise<boolean> {
  const [row] = await sqlRows<{ found: boolean }>(
    db.pool,
    Prisma.sql`SELECT EXISTS (SELECT 1 FROM proxies p WHERE ${matchingCondition(query)}) AS found`,
  );
  return row?.found ?? false;
}

/**
 * Debits one credit for a block of rotating gateway connections, guarded like an acquire: nothing is
 * written unless the balance stays >= 0, and the transaction is written in the same statement as the
 * balance change (balance = sum of transactions). Null when the balance was below 1.
 */
export async function chargeGatewayBlock(
  db: Database,
  userId: string,
  description: string,
): Promise<{ balance: number } | null> {
  const [row] = await preparedRows<{ balance: number }>(
    db.pool,
    Prisma.sql`WITH charged AS (
        UPDATE users SET credit_balance = credit_balance - 1, updated_at = now()
        WHERE id = ${userId}::uuid AND credit_balance >= 1 RETURNING id, credit_balance),
      ledger AS (
        INSERT INTO credit_transactions (id, user_id, amount, tx_type, description)
        SELECT gen_random_uuid(), charged.id, -1, 'acquire', ${description}::text FROM charged RETURNING id)
      SELECT charged.credit_balance AS balance FROM charged WHERE (SELECT count(*) FROM ledger) >= 0`,
  );
  return row ?? null;
}

/** Gateway traffic of one API key since the last flush. */
export interface GatewayUsageDelta {
  apiKeyId: string;
  userId: string;
  connections: number;
  bytesIn: number;
  bytesOut: number;
}

/** Adds a batch of usage deltas (one statement, whatever the batch size). */
export async function addGatewayUsage(db: Database, deltas: GatewayUsageDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await sqlRows(
    db.pool,
    Prisma.sql`INSERT INTO gateway_usage (api_key_id, user_id, connections, bytes_in, bytes_out, updated_at)
      SELECT * , now() FROM unnest(${deltas.map((d) => d.apiKeyId)}::uuid[], ${deltas.map((d) => d.userId)}::uuid[],
        ${deltas.map((d) => d.connections)}::bigint[], ${deltas.map((d) => d.bytesIn)}::bigint[], ${deltas.map((d) => d.bytesOut)}::bigint[])
      ON CONFLICT (api_key_id) DO UPDATE SET connections = gateway_usage.connections + excluded.connections,
        bytes_in = gateway_usage.bytes_in + excluded.bytes_in, bytes_out = gateway_usage.bytes_out + excluded.bytes_out, updated_at = now()`,
  );
}

export interface GatewayUsageRow {
  apiKeyId: string;
  prefix: string;
  label: string;
  connections: number;
  bytesIn: number;
  bytesOut: number;
  updatedAt: Date | null;
}

/** Every key of the user with its gateway traffic (zero for keys that never used the gateway). */
export async function listGatewayUsage(db: Database, userId: string): Promise<GatewayUsageRow[]> {
  return sqlRows<GatewayUsageRow>(
    db.pool,
    Prisma.sql`SELECT k.id AS "apiKeyId", k.prefix, k.label, coalesce(u.connections, 0)::float8 AS connections,
        coalesce(u.bytes_in, 0)::float8 AS "bytesIn", coalesce(u.bytes_out, 0)::float8 AS "bytesOut", u.updated_at AS "updatedAt"
      FROM api_keys k LEFT JOIN gateway_usage u ON u.api_key_id = k.id
      WHERE k.user_id = ${userId}::uuid ORDER BY k.created_at, k.id`,
  );
}

/** What the gateway saw of one proxy since the last flush. */
export interface GatewayOutcomeDelta {
  proxyId: string;
  successes: number;
  failures: number;
  /** A connect failure or timeout: the proxy is due for a re-check now. */
  recheckNow: boolean;
}

/** Adds a batch of upstream outcomes to the proxies' figures; failed ones become due for a check at once. */
export async function recordGatewayOutcomes(db: Database, deltas: GatewayOutcomeDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await sqlRows(
    db.pool,
    Prisma.sql`UPDATE proxies p SET gateway_successes = p.gateway_successes + d.successes,
        gateway_failures = p.gateway_failures + d.failures,
        next_check_at = CASE WHEN d.recheck THEN least(p.next_check_at, now()) ELSE p.next_check_at END
      FROM unnest(${deltas.map((d) => d.proxyId)}::uuid[], ${deltas.map((d) => d.successes)}::int[],
        ${deltas.map((d) => d.failures)}::int[], ${deltas.map((d) => d.recheckNow)}::boolean[]) AS d(id, successes, failures, recheck)
      WHERE p.id = d.id`,
  );
}
