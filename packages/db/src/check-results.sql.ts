import pg from 'pg';
import type { Anonymity, ProxyStatus } from '../generated/client/index.js';
import { inTransaction } from './client.js';

/** The figures a validation reads and rewrites. */
export interface StoredFigures {
  id: string;
  status: ProxyStatus;
  anonymity: Anonymity | null;
  exitIp: string | null;
  country: string | null;
  score: number;
  avgLatencyMs: number | null;
  uptimeRatio: number;
  checksTotal: number;
  checksPassed: number;
  consecutiveFailures: number;
  /** Absent: unknown to the writer, the stored flag stays. */
  mitm?: boolean;
}

export interface FiguresUpdate extends StoredFigures {
  lastCheckedAt: Date;
  nextCheckAt: Date;
}

export interface CheckRow {
  proxyId: string;
  checkerName: string;
  stage: number;
  passed: boolean;
  latencyMs: number | null;
  detail: string;
  createdAt: Date;
}

const DEADLOCK = '40P01';

/**
 * The checker's hot path (claiming a batch, writing its results) goes through a small pg pool of its own, not
 * the Prisma client: at a thousand validations a second, Prisma's parameter and row handling cost more CPU
 * than the checks around them (the bench measured ~0.13 ms of checker CPU per validation; ~0.05 ms this way).
 * Rows travel as one JSON text each way.
 */
export interface CheckStore {
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export function openCheckStore(url: string, poolSize = 4): CheckStore {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined);
  return { pool, close: () => pool.end() };
}

/** Ids as a PostgreSQL array literal (they are UUIDs, checked by the queue's payload schema and the cast). */
export const uuidArray = (ids: readonly string[]): string => `{${ids.join(',')}}`;

/**
 * Writes a batch of validation results in one transaction: the proxies' current figures are read under row
 * locks (in id order, so concurrent writers never deadlock each other), `update` turns them into the new
 * figures (the checker's rules live in the app, not here), then one UPDATE from the rows and one INSERT of
 * the check rows write them. Proxies deleted meanwhile are skipped, check rows included.
 */
export async function recordValidations(
  store: CheckStore,
  checks: readonly CheckRow[],
  update: (current: StoredFigures[]) => FiguresUpdate[],
  /** Runs in the same transaction after the writes, the proxies still locked (e.g. refunds a failed re-check earns). */
  afterWrite?: (client: pg.PoolClient, updates: FiguresUpdate[]) => Promise<void>,
): Promise<FiguresUpdate[]> {
  const ids = [...new Set(checks.map((check) => check.proxyId))];
  if (ids.length === 0) return [];
  return withDeadlockRetry(() =>
    inTransaction(store.pool, async (client) => {
      const locked = await client.query<{ rows: string }>(
        `SELECT coalesce(json_agg(t), '[]')::text AS rows FROM (
           SELECT id, status, anonymity, host(exit_ip) AS "exitIp", trim(country) AS country, score, avg_latency_ms AS "avgLatencyMs",
                  uptime_ratio AS "uptimeRatio", checks_total AS "checksTotal", checks_passed AS "checksPassed",
                  consecutive_failures AS "consecutiveFailures", mitm
           FROM proxies WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE) t`,
        [uuidArray(ids)],
      );
      const rows = JSON.parse(locked.rows[0]?.rows ?? '[]') as StoredFigures[];
      const updates = update(rows);
      if (updates.length > 0) await client.query(UPDATE_FIGURES, [JSON.stringify(updates)]);
      const present = new Set(rows.map((row) => row.id));
      const kept = checks.filter((check) => present.has(check.proxyId));
      if (kept.length > 0) await client.query(INSERT_CHECKS, [JSON.stringify(kept)]);
      await afterWrite?.(client, updates);
      return updates;
    }),
  );
}

/**
 * Every writer here locks proxies in id order, but other writers (the scraper's upsert locks in address
 * order) may not: PostgreSQL then aborts one statement of the cycle, and running it again is safe.
 */
export async function withDeadlockRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const deadlock =
        String((error as Error)?.message).includes(DEADLOCK) || (error as { code?: string })?.code === DEADLOCK;
      if (!deadlock || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}

/** Reads FiguresUpdate objects as JSON (camelCase keys, dates as ISO strings). */
const UPDATE_FIGURES = `
  UPDATE proxies p SET
    status = u.status::"ProxyStatus", anonymity = u.anonymity::"Anonymity", exit_ip = u."exitIp", country = u.country,
    score = u.score, avg_latency_ms = u."avgLatencyMs", uptime_ratio = u."uptimeRatio", checks_total = u."checksTotal",
    checks_passed = u."checksPassed", consecutive_failures = u."consecutiveFailures", last_checked_at = u."lastCheckedAt",
    next_check_at = u."nextCheckAt", mitm = coalesce(u.mitm, p.mitm)
  FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, status text, anonymity text, "exitIp" inet, country text, score real,
    "avgLatencyMs" real, "uptimeRatio" real, "checksTotal" int, "checksPassed" int, "consecutiveFailures" int,
    "lastCheckedAt" timestamptz, "nextCheckAt" timestamptz, mitm boolean)
  WHERE p.id = u.id`;

/** Reads CheckRow objects as JSON. */
const INSERT_CHECKS = `
  INSERT INTO proxy_checks (id, proxy_id, checker_name, stage, passed, latency_ms, detail, created_at)
  SELECT gen_random_uuid(), "proxyId", "checkerName", stage, passed, "latencyMs", detail, "createdAt"
  FROM jsonb_to_recordset($1::jsonb)
    AS c("proxyId" uuid, "checkerName" text, stage int, passed boolean, "latencyMs" real, detail text, "createdAt" timestamptz)`;
