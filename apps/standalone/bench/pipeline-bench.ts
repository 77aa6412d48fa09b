/**
 * `npm run bench:pipeline`: what a user sees end to end. A list of N healthy elite HTTP proxies (the checker
 * bench's fleet process: each proxy on its own 127.0.x.y address, a judge, ALLOW_PRIVATE_TARGETS on) is added
 * as a source through the real API and scraped; the clock runs from the scrape request until no proxy is
 * `unchecked`. Two layouts: one process (`npm start`, apps/standalone/src/main.ts) and split processes (api,
 * scraper and checker each `apps/<app>/src/main.ts`, as the end-to-end test runs them). Each round runs the
 * bare-socket baseline (apps/checker/bench/baseline.ts: the same N validations, the same concurrency, the same
 * judge) while the system idles, before and after the pipeline, and compares with the mean of the two rates:
 * a baseline of a few seconds on a shared machine swings with the load of the moment. Afterwards it counts validations
 * per proxy (`checks_total` and `proxy_checks` rows per stage): each proxy must have been validated once.
 *
 * The fleet also serves the judge's TLS listener, which the checker's tls_integrity stage reaches through each
 * proxy (a new proxy's first validation always runs it): as with the judge, the API's CPU is not spent on the
 * other end of those handshakes, and the baseline makes that exchange too (a CONNECT tunnel through the proxy, a
 * TLS handshake, the fingerprint compared), so both sides do the same network work. BENCH_TLS=0 turns the stage
 * off (JUDGE_TLS_PORT=0, no target) and the baseline makes its two exchanges only.
 *
 * Settings: BENCH_PROXIES (5000), BENCH_ROUNDS (3), BENCH_CONCURRENCY (the checker's default, 500),
 * BENCH_LAYOUTS (`one,split`), BENCH_TLS (1). Its own throwaway database per layout; Redis keys under a fresh prefix.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, type Database } from '@proxy-pool/db';
import { sourceListServer } from '@proxy-pool/test-kit';
import {
  benchWorkerEnv,
  machineLine,
  median,
  processCpuSeconds,
  spawnReadyChild,
  throwawayDatabase,
} from '@proxy-pool/test-kit/bench';
import { runBaseline, type Endpoint, type RunFigures } from '../../checker/bench/baseline.js';
import { CHECKER_NODE_FLAGS } from '../../checker/src/node-flags.js';
import {
  clearQueuePrefix,
  createAdmin,
  freePort,
  startChild,
  stopChild,
  type Child,
} from '../../api/test/e2e/support/processes.js';

const PROXIES = Number(process.env.BENCH_PROXIES ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 500);
const LAYOUTS = (process.env.BENCH_LAYOUTS ?? 'one,split').split(',') as Array<'one' | 'split'>;
const TARGET_RATIO = 0.6;
const TLS_STAGE = process.env.BENCH_TLS !== '0';
const SECRET = `bench-judge-${randomUUID()}`;

interface World {
  judgeUrl: string;
  judgeTls: { target: string; fingerprint: string };
  proxies: Endpoint[];
}

interface System {
  apiUrl: string;
  adminKey: string;
  /** The system's processes by role, for their CPU time per round. */
  processes: Array<{ role: string; pid: number }>;
  stop(): Promise<void>;
}

interface RoundFigures {
  seconds: number;
  rate: number;
  baselineRate: number;
  ratio: number;
  notActive: number;
  validationsOtherThanOne: number;
  maxStageRows: number;
}

const fleetScript = fileURLToPath(new URL('../../checker/bench/fleet-process.ts', import.meta.url));
const fleet = await spawnReadyChild(fleetScript, { HEALTHY: String(PROXIES), HOLES: '0', JUDGE_SECRET: SECRET });
const world = JSON.parse(fleet.payload) as World;
const list = world.proxies.map((proxy) => `http://${proxy.host}:${proxy.port}`).join('\n');
const lists = await sourceListServer({ routes: { '/list.txt': { body: list } } });
/** Like for like: the baseline makes the tls_integrity stage's exchange too when the pipeline runs it. */
const baselineTls = TLS_STAGE ? world.judgeTls : undefined;
const baseline = () => runBaseline(world.proxies, world.judgeUrl, SECRET, PROXIES, CONCURRENCY, baselineTls);

/**
 * Settings every layout shares: the judge and its TLS listener are the fleet's (the baseline's own judge), the
 * API's own TLS listener takes no fixed port, the checker at BENCH_CONCURRENCY, logs at info (the ready lines).
 */
function systemEnv(databaseUrl: string): Record<string, string> {
  return {
    ...benchWorkerEnv(databaseUrl),
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    JUDGE_URL: world.judgeUrl,
    JUDGE_SECRET: SECRET,
    JUDGE_TLS_PORT: '0',
    ...(TLS_STAGE
      ? { JUDGE_TLS_TARGET: world.judgeTls.target, JUDGE_TLS_FINGERPRINT: world.judgeTls.fingerprint }
      : {}),
    CHECKER_CONCURRENCY: String(CONCURRENCY),
    RATE_LIMITS_ENABLED: 'false',
    SCRAPE_WAIT_MS: '60000',
  };
}

async function startOneProcess(env: Record<string, string>): Promise<System> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pipeline-bench-'));
  const child = await startChild(
    'standalone',
    {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEWAY_PORT: String(await freePort()),
      GATEWAY_HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_SOURCES: 'false',
      EMBEDDED_POSTGRES: 'false',
      EMBEDDED_REDIS: 'false',
    },
    '"proxy pool ready"',
    'bench-standalone',
    CHECKER_NODE_FLAGS,
  );
  const key = /pp_[A-Za-z0-9]{48}/.exec(child.output())?.[0];
  if (!key) throw new Error('npm start printed no admin key');
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    adminKey: key,
    processes: [{ role: 'standalone', pid: child.process.pid! }],
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startSplit(env: Record<string, string>): Promise<System> {
  const port = await freePort();
  const children: Child[] = [];
  children.push(
    await startChild('api', { ...env, PORT: String(port), HOST: '127.0.0.1' }, '"api listening"', 'bench-api'),
  );
  children.push(await startChild('scraper', env, '"scraper started"', 'bench-scraper'));
  children.push(await startChild('checker', env, '"checker started"', 'bench-checker', CHECKER_NODE_FLAGS));
  const { key } = await createAdmin(env);
  const roles = ['api', 'scraper', 'checker'];
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    adminKey: key,
    processes: children.map((child, index) => ({ role: roles[index]!, pid: child.process.pid! })),
    stop: async () => {
      for (const child of children.reverse()) await stopChild(child);
    },
  };
}

async function api(
  system: System,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${system.apiUrl}${route}`, {
    method,
    headers: {
      Authorization: `Bearer ${system.adminKey}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Resolves with the seconds from now until the list's N proxies exist and none is unchecked. */
async function untilNoneUnchecked(db: Database, started: number): Promise<number> {
  for (;;) {
    const [row] = await db.$queryRaw<Array<{ total: number; unchecked: number }>>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'unchecked')::int AS unchecked FROM proxies`;
    if (row!.total >= PROXIES && row!.unchecked === 0) return (performance.now() - started) / 1000;
    if (performance.now() - started > 600_000)
      throw new Error(`timed out: ${row!.total} proxies, ${row!.unchecked} unchecked`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How often each proxy was validated: `checks_total`, and the most `proxy_checks` rows any proxy has for one stage. */
async function validationCounts(
  db: Database,
): Promise<{ notActive: number; otherThanOne: number; maxStageRows: number }> {
  const [row] = await db.$queryRaw<Array<{ not_active: number; other: number; max_rows: number | null }>>`
    SELECT (SELECT count(*)::int FROM proxies WHERE status <> 'active') AS not_active,
      (SELECT count(*)::int FROM proxies WHERE checks_total <> 1) AS other,
      (SELECT max(n)::int FROM (SELECT count(*) AS n FROM history.proxy_checks GROUP BY proxy_id, checker_name) per_stage) AS max_rows`;
  return { notActive: row!.not_active, otherThanOne: row!.other, maxStageRows: row!.max_rows ?? 0 };
}

async function round(system: System, db: Database, index: number): Promise<RoundFigures> {
  const baselineBefore: RunFigures = await baseline();
  await db.$executeRawUnsafe('TRUNCATE proxies CASCADE');
  const source = await api(system, 'POST', '/sources', {
    url: lists.urlFor('/list.txt'),
    parser_name: 'plaintext',
    cron_schedule: '0 0 1 1 *',
    default_protocol: 'http',
  });
  if (source.status !== 201) throw new Error(`POST /sources: ${source.status} ${JSON.stringify(source.body)}`);
  const measured = [...system.processes, { role: 'fleet', pid: fleet.child.pid! }];
  const cpuBefore = measured.map((entry) => processCpuSeconds(entry.pid));
  const startedAt = Date.now();
  const started = performance.now();
  const scraped = await api(system, 'POST', `/sources/${source.body.id}/scrape`);
  const scrapeSeconds = (performance.now() - started) / 1000;
  if (scraped.status !== 200 || scraped.body.proxies_new !== PROXIES)
    throw new Error(`scrape: ${scraped.status} ${JSON.stringify(scraped.body)}`);
  const seconds = await untilNoneUnchecked(db, started);
  const cpu = measured
    .map((entry, index) => `${entry.role} ${(processCpuSeconds(entry.pid) - cpuBefore[index]!).toFixed(1)}`)
    .join(', ');
  // Where the time went: the scrape (until the API answered), the validations (first to last finished, by
  // the proxies' last_checked_at), and what remained (results waiting in the writer's batch, polling).
  const [window] = await db.$queryRaw<Array<{ first: number; last: number }>>`
    SELECT extract(epoch FROM min(last_checked_at))::float8 * 1000 AS first, extract(epoch FROM max(last_checked_at))::float8 * 1000 AS last FROM proxies`;
  const phases = `scrape ${scrapeSeconds.toFixed(2)} s, first validation done at ${((window!.first - startedAt) / 1000).toFixed(2)} s, last at ${((window!.last - startedAt) / 1000).toFixed(2)} s; CPU s: ${cpu}`;
  // Writes of results still buffered, and any second validation already queued, land within this wait.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const counts = await validationCounts(db);
  if (counts.notActive > 0) {
    const failures = await db.$queryRaw<Array<{ detail: string; n: number }>>`
      SELECT checker_name || ': ' || regexp_replace(coalesce(detail, ''), '[0-9]+', 'N', 'g') AS detail, count(*)::int AS n
      FROM history.proxy_checks WHERE NOT passed GROUP BY 1 ORDER BY n DESC LIMIT 3`;
    for (const failure of failures) console.log(`    failed check: ${failure.n} x ${failure.detail}`);
  }
  await api(system, 'DELETE', `/sources/${source.body.id}`);
  const baselineAfter: RunFigures = await baseline();
  const rate = PROXIES / seconds;
  const rateOf = (run: RunFigures) => run.validations / run.seconds;
  const baselineRate = (rateOf(baselineBefore) + rateOf(baselineAfter)) / 2;
  const figures = {
    seconds,
    rate,
    baselineRate,
    ratio: rate / baselineRate,
    notActive: counts.notActive,
    validationsOtherThanOne: counts.otherThanOne,
    maxStageRows: counts.maxStageRows,
  };
  console.log(
    `  round ${index + 1}: pipeline ${seconds.toFixed(2)} s = ${Math.round(rate)}/s, baseline ${Math.round(baselineRate)}/s (${Math.round(rateOf(baselineBefore))} before, ${Math.round(rateOf(baselineAfter))} after), ` +
      `ratio ${figures.ratio.toFixed(2)} (${phases}); baseline failures ${baselineBefore.errors + baselineAfter.errors}; not active ${counts.notActive}; proxies validated other than once ${counts.otherThanOne}; ` +
      `most proxy_checks rows per proxy and stage ${counts.maxStageRows}  [${machineLine()}]`,
  );
  return figures;
}

async function runLayout(layout: 'one' | 'split'): Promise<void> {
  const database = await throwawayDatabase();
  const env = systemEnv(database.url);
  const db = createDatabase({ url: database.url, poolSize: 2 });
  let system: System | undefined;
  try {
    system = layout === 'one' ? await startOneProcess(env) : await startSplit(env);
    console.log(`${layout === 'one' ? 'one process (npm start)' : 'split processes (api, scraper, checker)'}:`);
    const rounds: RoundFigures[] = [];
    for (let index = 0; index < ROUNDS; index += 1) rounds.push(await round(system, db, index));
    const ratio = median(rounds.map((figures) => figures.ratio));
    const exactlyOnce = rounds.every((figures) => figures.validationsOtherThanOne === 0 && figures.maxStageRows === 1);
    console.log(
      `  median: pipeline ${Math.round(median(rounds.map((figures) => figures.rate)))}/s, baseline ${Math.round(median(rounds.map((figures) => figures.baselineRate)))}/s, ` +
        `ratio ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}): ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}; ` +
        `one validation per proxy: ${exactlyOnce ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await system?.stop();
    await clearQueuePrefix(env);
    await db.$disconnect();
    await database.drop();
  }
}

try {
  console.log(
    `pipeline bench: ${PROXIES.toLocaleString('en')} healthy proxies, checker concurrency ${CONCURRENCY}, ${ROUNDS} rounds per layout, tls_integrity ${TLS_STAGE ? 'on' : 'off'}; ${machineLine()}`,
  );
  for (const layout of LAYOUTS) await runLayout(layout);
} finally {
  await lists.close();
  await fleet.stop();
}
