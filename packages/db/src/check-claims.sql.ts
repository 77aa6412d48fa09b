import type { ProxyProtocol } from '../generated/client/index.js';
import { uuidArray, withDeadlockRetry, type CheckStore } from './check-results.sql.js';

/** A proxy as a process needs it to connect through it: its address, protocol and credentials. */
export interface ProxyEndpoint {
  id: string;
  ip: string;
  port: number;
  protocol: ProxyProtocol;
  username: string | null;
  password: string | null;
}

/** A proxy as the checker needs it to connect, with when its TLS integrity was last established (ISO time). */
export interface ValidationTarget extends ProxyEndpoint {
  tlsCheckedAt?: string | null;
}

/**
 * Loads the proxies of a validate batch (ids that no longer exist are left out) and pushes their
 * `next_check_at` forward by the lease, in one statement, so the due-sweep does not queue them again while
 * they are being checked. Rows are locked in id order, like recordValidations does.
 */
export async function claimValidationTargets(
  store: CheckStore,
  ids: readonly string[],
  leaseMs: number,
): Promise<ValidationTarget[]> {
  if (ids.length === 0) return [];
  const result = await withDeadlockRetry(() =>
    store.pool.query<{ rows: string }>(
      `WITH locked AS (SELECT id FROM proxies WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE),
       claimed AS (
         UPDATE proxies p SET next_check_at = now() + make_interval(secs => $2::float8) FROM locked WHERE p.id = locked.id
         RETURNING p.id, host(p.ip) AS ip, p.port, p.protocol, p.username, p.password, p.tls_checked_at AS "tlsCheckedAt")
       SELECT coalesce(json_agg(claimed), '[]')::text AS rows FROM claimed`,
      [uuidArray(ids), leaseMs / 1000],
    ),
  );
  return JSON.parse(result.rows[0]?.rows ?? '[]') as ValidationTarget[];
}

/** Makes proxies due at once again (validations abandoned at shutdown go back to the sweep). */
export async function releaseValidationLease(store: CheckStore, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await withDeadlockRetry(() =>
    store.pool.query(
      `WITH locked AS (SELECT id FROM proxies WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)
       UPDATE proxies p SET next_check_at = now() FROM locked WHERE p.id = locked.id`,
      [uuidArray(ids)],
    ),
  );
}
