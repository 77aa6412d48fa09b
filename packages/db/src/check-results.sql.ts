import pg from 'pg';
import type { Anonymity, IpType, ProxyStatus } from '../generated/client/index.js';
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
  /** The exit IP's autonomous system and organisation, and the ip_type its AS gives (exit_network stage). */
  asn: number | null;
  asOrg: string | null;
  ipType: IpType;
  /** Absent: unknown to the writer, the stored flag stays. */
  mitm?: boolean;
}

export interface FiguresUpdate extends StoredFigures {
  lastCheckedAt: Date;
  nextCheckAt: Date;
  /** This validation's TLS integrity stage reached a conclusion (sets `tls_checked_at`). */
  tlsConcluded?: boolean;
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
                  consecutive_failures AS "consecutiveFailures", asn, as_org AS "asOrg", ip_type AS "ipType", mitm
           FROM proxies WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE) t`,
        [uuidArray(ids)],
      );
      const rows = JSON.parse(locked.rows[0]?.rows ?? '[]') as StoredFigures[];
      const updates = update(rows);
      if (updates.length > 0)
        await client.query(UPDATE_FIGURES, [JSON.stringify(updates), JSON.stringify(newestChecks(checks))]);
      const kept = historyRows(checks, rows, updates);
      if (kept.length > 0) await client.query(INSERT_CHECKS, [JSON.stringify(kept)]);
      await afterWrite?.(client, updates);
      return updates;
    }),
  );
}

type HistoryFigures = Pick<StoredFigures, 'id' | 'status' | 'checksPassed' | 'mitm'>;

/**
 * The check rows worth keeping in the history: those of a validation that failed or changed the proxy's status or
 * its `mitm` flag. A passing validation that changes nothing is summarised on the proxy row (`last_checks`,
 * `checks_passed`, `last_passed_at`) instead — also when an advisory checker of it (TLS integrity) failed without
 * a conclusion. Failed means not counted as passed. Proxies deleted meanwhile (absent from `current`) keep nothing.
 */
export function historyRows(
  checks: readonly CheckRow[],
  current: readonly HistoryFigures[],
  updates: readonly HistoryFigures[],
): CheckRow[] {
  const before = new Map(current.map((row) => [row.id, row]));
  const kept = new Set(
    updates
      .filter((update) => {
        const was = before.get(update.id);
        return (
          was !== undefined &&
          (update.checksPassed === was.checksPassed ||
            update.status !== was.status ||
            (update.mitm !== undefined && update.mitm !== (was.mitm ?? false)))
        );
      })
      .map((update) => update.id),
  );
  return checks.filter((check) => kept.has(check.proxyId));
}

/**
 * Each proxy's newest validation in a batch (a proxy named by two jobs may have two): its rows are the run after the
 * last point where the stage number fell or a checker repeated, since one validation's rows come in stage order.
 */
export function newestChecks(checks: readonly CheckRow[]): CheckRow[] {
  const newest = new Map<string, CheckRow[]>();
  for (const check of checks) {
    const rows = newest.get(check.proxyId);
    const last = rows?.at(-1);
    // Checkers may share a stage (geoip and exit_network): a validation goes on while stages do not fall and
    // no checker repeats.
    if (rows && last && check.stage >= last.stage && !rows.some((row) => row.checkerName === check.checkerName))
      rows.push(check);
    else newest.set(check.proxyId, [check]);
  }
  return [...newest.values()].flat();
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

/**
 * Reads FiguresUpdate objects as JSON (camelCase keys, dates as ISO strings). `tags.country_mismatch` is set
 * (`{"source": "XX", "exit": "YY"}`) while the country a source list states differs from the exit country, and
 * removed once they agree again or either is unknown.
 */
const UPDATE_FIGURES = `
  UPDATE proxies p SET
    status = u.status::"ProxyStatus", anonymity = u.anonymity::"Anonymity", exit_ip = u."exitIp", country = u.country,
    score = u.score, avg_latency_ms = u."avgLatencyMs", uptime_ratio = u."uptimeRatio", checks_total = u."checksTotal",
    checks_passed = u."checksPassed", consecutive_failures = u."consecutiveFailures", last_checked_at = u."lastCheckedAt",
    next_check_at = u."nextCheckAt", mitm = coalesce(u.mitm, p.mitm),
    tls_checked_at = CASE WHEN u."tlsConcluded" THEN u."lastCheckedAt" ELSE p.tls_checked_at END,
    asn = u.asn, as_org = u."asOrg", ip_type = u."ipType"::"IpType",
    tags = CASE
      WHEN p.source_country IS NOT NULL AND u.country IS NOT NULL AND p.source_country <> u.country
        THEN p.tags || jsonb_build_object('country_mismatch', jsonb_build_object('source', p.source_country, 'exit', u.country))
      WHEN p.tags ? 'country_mismatch' THEN p.tags - 'country_mismatch'
      ELSE p.tags END,
    last_passed_at = CASE WHEN u."checksPassed" > p.checks_passed THEN u."lastCheckedAt" ELSE p.last_passed_at END,
    last_checks = coalesce(c.checks, p.last_checks)
  FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, status text, anonymity text, "exitIp" inet, country text, score real,
    "avgLatencyMs" real, "uptimeRatio" real, "checksTotal" int, "checksPassed" int, "consecutiveFailures" int,
    asn int, "asOrg" text, "ipType" text,
    "lastCheckedAt" timestamptz, "nextCheckAt" timestamptz, mitm boolean, "tlsConcluded" boolean)
  LEFT JOIN (
    SELECT c."proxyId", jsonb_agg(jsonb_build_object('checker_name', c."checkerName", 'stage', c.stage, 'passed', c.passed,
      'latency_ms', c."latencyMs", 'detail', c.detail, 'created_at', c."createdAt") ORDER BY c.stage) AS checks
    FROM jsonb_to_recordset($2::jsonb) AS c("proxyId" uuid, "checkerName" text, stage int, passed boolean, "latencyMs" real,
      detail text, "createdAt" timestamptz)
    GROUP BY c."proxyId") c ON c."proxyId" = u.id
  WHERE p.id = u.id`;

/** Reads CheckRow objects as JSON. */
const INSERT_CHECKS = `
  INSERT INTO history.proxy_checks (proxy_id, checker_name, stage, passed, latency_ms, detail, created_at)
  SELECT "proxyId", "checkerName", stage, passed, "latencyMs", detail, "createdAt"
  FROM jsonb_to_recordset($1::jsonb)
    AS c("proxyId" uuid, "checkerName" text, stage int, passed boolean, "latencyMs" real, detail text, "createdAt" timestamptz)`;
