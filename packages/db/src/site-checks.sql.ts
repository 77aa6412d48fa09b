import { Prisma } from '../generated/client/index.js';
import type { ProxyEndpoint } from './check-claims.sql.js';
import { inTransaction, sqlRows, type Database, type SqlRunner } from './client.js';
import { recordSiteOutcomes } from './site-stats.sql.js';

export type { SiteCheck } from '../generated/client/index.js';

/**
 * How long a site check's result counts (for `works_for=` and the list figures): this many of the check's
 * intervals. Two, so a proxy that passed in the last run is still listed while the next run is under way.
 */
export const SITE_CHECK_WINDOW_INTERVALS = 2;

/** The start of a check's window; `check` is the alias of its site_checks row. */
const windowStart = (check: string) =>
  Prisma.sql`now() - make_interval(secs => ${Prisma.raw(check)}.interval_seconds * ${SITE_CHECK_WINDOW_INTERVALS}::int)`;

/**
 * The proxies filter of `works_for=<name>`: the latest result of that check passed within its window. Written
 * against the outer query's unqualified `id`, like the other filter conditions. The passing set is small (at most
 * about 2 × sample_size results fall in a window) and is collected first, once per statement, into an array the
 * primary key is probed with: as a semi-join, PostgreSQL would instead walk a status's whole score index and probe
 * the results for every proxy, seconds at a million dead proxies of which none passed.
 */
export function worksForCondition(checkName: string): Prisma.Sql {
  return Prisma.sql`id = ANY(ARRAY(SELECT r.proxy_id FROM site_check_results r JOIN site_checks c ON c.id = r.site_check_id
    WHERE c.name = ${checkName} AND r.passed AND r.checked_at >= ${windowStart('c')}))`;
}

/** A check claimed for a run: its id and how many proxies to try. */
export interface DueSiteCheck {
  id: string;
  sampleSize: number;
  runAt: Date;
}

/**
 * Claims the due site checks (active, never run or last run at least one interval ago) by stamping their
 * `last_run_at` in the same statement: two sweeps at once (replicas) never run a check twice.
 */
export async function claimDueSiteChecks(db: Database, limit: number): Promise<DueSiteCheck[]> {
  return sqlRows<DueSiteCheck>(
    db.pool,
    Prisma.sql`UPDATE site_checks c SET last_run_at = now()
      WHERE c.id IN (
        SELECT id FROM site_checks
        WHERE is_active AND (last_run_at IS NULL OR last_run_at <= now() - make_interval(secs => interval_seconds))
        ORDER BY last_run_at NULLS FIRST, id LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING c.id, c.sample_size AS "sampleSize", c.last_run_at AS "runAt"`,
  );
}

/**
 * The next `size` active proxies for a check, rotating through the pool: proxies this check never tried come
 * first, then those it tried longest ago; ties go to the better score.
 */
export async function selectSiteCheckSample(db: Database, checkId: string, size: number): Promise<string[]> {
  const rows = await sqlRows<{ id: string }>(
    db.pool,
    Prisma.sql`SELECT p.id FROM proxies p
      LEFT JOIN site_check_results r ON r.site_check_id = ${checkId}::uuid AND r.proxy_id = p.id
      WHERE p.status = 'active'
      ORDER BY r.checked_at ASC NULLS FIRST, p.score DESC, p.id
      LIMIT ${size}`,
  );
  return rows.map((row) => row.id);
}

/** The proxies of a site-check job that still exist, as the checker connects through them. */
export function siteCheckTargets(db: Database, ids: readonly string[]): Promise<ProxyEndpoint[]> {
  return sqlRows<ProxyEndpoint>(
    db.pool,
    Prisma.sql`SELECT id, host(ip) AS ip, port, protocol, username, password FROM proxies
      WHERE id = ANY(${[...ids]}::uuid[]) ORDER BY id`,
  );
}

/** One proxy's outcome on one site check. */
export interface SiteCheckOutcome {
  proxyId: string;
  passed: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  detail: string;
}

/**
 * Stores a run's results as each proxy's latest result for the check, and adds them to the per-(proxy, site)
 * figures of `site` (pass = success, fail = failure), in one transaction. Proxies or a check deleted meanwhile
 * are skipped.
 */
export async function recordSiteCheckResults(
  db: Database,
  check: { id: string; site: string | null },
  outcomes: readonly SiteCheckOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return;
  await inTransaction(db.pool, async (tx) => {
    await upsertResults(tx, check.id, outcomes);
    if (check.site !== null) {
      const site = check.site;
      await recordSiteOutcomes(
        tx,
        outcomes.map((outcome) => ({ proxyId: outcome.proxyId, targetHost: site, success: outcome.passed })),
      );
    }
  });
}

async function upsertResults(tx: SqlRunner, checkId: string, outcomes: readonly SiteCheckOutcome[]): Promise<void> {
  await sqlRows(
    tx,
    Prisma.sql`INSERT INTO site_check_results AS r (site_check_id, proxy_id, passed, status_code, latency_ms, detail, checked_at)
      SELECT ${checkId}::uuid, o.proxy_id, o.passed, o.status_code, o.latency_ms, o.detail, now()
      FROM unnest(${outcomes.map((o) => o.proxyId)}::uuid[], ${outcomes.map((o) => o.passed)}::boolean[],
        ${outcomes.map((o) => o.statusCode)}::int[], ${outcomes.map((o) => o.latencyMs)}::real[],
        ${outcomes.map((o) => o.detail)}::text[]) AS o(proxy_id, passed, status_code, latency_ms, detail)
      WHERE EXISTS (SELECT 1 FROM proxies p WHERE p.id = o.proxy_id)
        AND EXISTS (SELECT 1 FROM site_checks c WHERE c.id = ${checkId}::uuid)
      ORDER BY o.proxy_id
      ON CONFLICT (site_check_id, proxy_id) DO UPDATE SET passed = excluded.passed,
        status_code = excluded.status_code, latency_ms = excluded.latency_ms, detail = excluded.detail,
        checked_at = excluded.checked_at`,
  );
}

/** Per check: proxies with a result in the window, and how many of those passed. */
export interface SiteCheckFigures {
  checked: number;
  passing: number;
}

export async function siteCheckFigures(
  db: Database,
  checkIds: readonly string[],
): Promise<Map<string, SiteCheckFigures>> {
  if (checkIds.length === 0) return new Map();
  // Passed and failed results are counted apart so each count is one range of the (check, passed, checked_at) index.
  const inWindow = (passed: boolean) =>
    Prisma.sql`(SELECT count(*) FROM site_check_results r
      WHERE r.site_check_id = c.id AND r.passed = ${passed} AND r.checked_at >= ${windowStart('c')})::int`;
  const rows = await sqlRows<{ id: string } & SiteCheckFigures>(
    db.pool,
    Prisma.sql`SELECT id, passing + failing AS checked, passing
      FROM (SELECT c.id, ${inWindow(true)} AS passing, ${inWindow(false)} AS failing
        FROM site_checks c WHERE c.id = ANY(${[...checkIds]}::uuid[])) AS figures`,
  );
  return new Map(rows.map(({ id, checked, passing }) => [id, { checked, passing }]));
}

/** One proxy's latest result on a check, with the check's name. */
export interface ProxySiteCheckRow {
  name: string;
  passed: boolean;
  status_code: number | null;
  latency_ms: number | null;
  detail: string;
  checked_at: Date;
}

/** A proxy's latest result on every check that tried it, by check name. */
export function proxySiteCheckResults(db: Database, proxyId: string): Promise<ProxySiteCheckRow[]> {
  return sqlRows<ProxySiteCheckRow>(
    db.pool,
    Prisma.sql`SELECT c.name, r.passed, r.status_code, r.latency_ms, r.detail, r.checked_at
      FROM site_check_results r JOIN site_checks c ON c.id = r.site_check_id
      WHERE r.proxy_id = ${proxyId}::uuid
      ORDER BY c.name`,
  );
}
