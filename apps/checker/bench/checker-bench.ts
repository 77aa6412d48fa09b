/**
 * `npm run bench:checker`: the checker against healthy local proxies, next to a bare-socket baseline measured in
 * the same run, then sweeps of 100,000 proxies (sweep-round.ts). Fake proxies, judge and black holes run in
 * processes of their own (fleet-process.ts, address-fleet-process.ts); the throughput runs' checker runs here,
 * the sweeps' in its own process; results go to a throwaway database.
 */
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@proxy-pool/db';
import { createLogger } from '@proxy-pool/logger';
import { createQueue, createRedis, enqueue } from '@proxy-pool/queues';
import { addressFleetHost, clearKeys, fleetHost, privateDatabase } from '@proxy-pool/test-kit';
import { benchWorkerEnv, machineLine, median, spawnReadyChild } from '@proxy-pool/test-kit/bench';
import { builtinCheckerList } from '../src/checker.js';
import { loadCheckerConfig } from '../src/config.js';
import { CHECKER_NODE_FLAGS } from '../src/node-flags.js';
import { startChecker } from '../src/main.js';
import { runBaseline, sumRuns, type Endpoint, type RunFigures } from './baseline.js';
import { insertProxies, seededShuffle } from './bench-data.js';
import { healthyFailures, startSweepChecker, sweepOnce, type SweepFigures } from './sweep-round.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1000);
const VALIDATIONS = Number(process.env.BENCH_VALIDATIONS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THROUGHPUT_PROXIES = 1000;
/** Healthy proxies of the fleet process: the throughput runs use the first THROUGHPUT_PROXIES. */
const FLEET_PROXIES = 2000;
/** Black-hole servers: each is four proxies (one per protocol), 10,000 in all, each holding a slot for the total timeout. */
const SWEEP_HOLES = Number(process.env.BENCH_SWEEP_HOLES ?? 2500);
/** The sweep: this many proxies (healthy and black holes as above, the rest dead ports), this many in flight. */
const SWEEP_PROXIES = Number(process.env.BENCH_SWEEP_PROXIES ?? 100_000);
const SWEEP_CONCURRENCY = Number(process.env.BENCH_SWEEP_CONCURRENCY ?? 10_000);
/** Healthy proxies of the sweep (the address fleet's, half as http and half as https): 30 % by default. */
const SWEEP_HEALTHY = Number(process.env.BENCH_SWEEP_HEALTHY ?? Math.round(SWEEP_PROXIES * 0.3));
/** Sweeps of the same proxies, each from a fresh table; the wall time reported is their median. */
const SWEEP_ROUNDS = Number(process.env.BENCH_SWEEP_ROUNDS ?? 3);
/** The sweep's timeouts (black holes hold a slot this long); the throughput run uses the defaults, 3 s / 10 s. */
const [CONNECT_TIMEOUT_MS, TOTAL_TIMEOUT_MS] = [2000, 5000];
const SECRET = 'bench-judge-secret-0123456789';
const PROTOCOLS = ['http', 'https', 'socks4', 'socks5'] as const;

class SkipSweep extends Error {}

/** The most frequent failed-check details of proxies meant to be healthy (ports other than the dead ones and holes). */
function failureDetails(skipPorts: number[] = []): Promise<Array<{ checker_name: string; detail: string; n: number }>> {
  return running.checker.db.$queryRaw`
    SELECT c.checker_name, p.protocol || ': ' || regexp_replace(c.detail, '[0-9]+', 'N', 'g') AS detail, count(*)::int AS n
    FROM history.proxy_checks c JOIN proxies p ON p.id = c.proxy_id
    WHERE NOT c.passed AND p.port <> ALL(${skipPorts}::int[]) GROUP BY 1, 2 ORDER BY n DESC LIMIT 3`;
}

interface World {
  judgeUrl: string;
  judgeTls: { target: string; fingerprint: string };
  proxies: Endpoint[];
  holes: Endpoint[];
}

const fleetScript = fileURLToPath(new URL('./fleet-process.ts', import.meta.url));
const fleet = await spawnReadyChild(fleetScript, {
  HEALTHY: String(FLEET_PROXIES),
  HOLES: String(SWEEP_HOLES),
  JUDGE_SECRET: SECRET,
});
const world = JSON.parse(fleet.payload) as World;
const addressFleet = await spawnReadyChild(fileURLToPath(new URL('./address-fleet-process.ts', import.meta.url)));
const addressFleetPorts = (JSON.parse(addressFleet.payload) as { ports: number[] }).ports;
const database = await privateDatabase(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const env = {
  ...benchWorkerEnv(database.url),
  JUDGE_URL: world.judgeUrl,
  JUDGE_SECRET: SECRET,
  JUDGE_TLS_TARGET: world.judgeTls.target,
  JUDGE_TLS_FINGERPRINT: world.judgeTls.fingerprint,
  CHECKER_CONCURRENCY: String(CONCURRENCY),
};
const prefix = env.QUEUE_PREFIX;
const logger = createLogger({ service: 'checker-bench', level: 'warn' });
/** The two network stages (tcp_connect, http_anonymity), as the target is stated; BENCH_STAGES=3 adds geoip. */
const STAGES = Number(process.env.BENCH_STAGES ?? 2);
const config = loadCheckerConfig(env);
const checkers = async (ownIps: () => readonly string[]) => (await builtinCheckerList(config, ownIps)).slice(0, STAGES);
/**
 * The same stages plus tls_integrity (a second tunnel through the proxy and a TLS handshake with the judge), run at
 * every validation: the checker list is built from these settings, so TLS_CHECK_EVERY_MINUTES=0 must be in them
 * (with the default 6 h, the stage ran at the warm-up only and every measured validation skipped it as not due).
 */
const tlsEnv = { ...env, TLS_CHECK_EVERY_MINUTES: '0' };
const checkersWithTls = async (ownIps: () => readonly string[]) => {
  const all = await builtinCheckerList(loadCheckerConfig(tlsEnv), ownIps);
  return [...all.slice(0, STAGES), ...all.filter((checker) => checker.name === 'tls_integrity')];
};
let running = await startChecker(env, { logger, checkers });
await running.checker.validating;
let { db } = running.checker;
const redis = createRedis(env.REDIS_URL, 'worker');
const validateQueue = createQueue('validate', { connection: redis, prefix });

const line = (label: string, run: RunFigures) =>
  `${label.padEnd(22)} ${String(Math.round(run.validations / run.seconds)).padStart(6)} validations/s  ` +
  `${(run.cpuMs / run.validations).toFixed(3)} ms CPU each  ${run.validations} done, ${run.errors} failed, max ${run.maxInFlight} in flight, ${run.seconds.toFixed(2)} s`;

/** `total` validations of the throughput proxies through the real worker: jobs of 500, all queued at once. */
async function runPipeline(ids: string[], total: number): Promise<RunFigures> {
  const { semaphore } = running.checker;
  semaphore.resetPeak();
  const before = await db.proxy.aggregate({ _sum: { checksTotal: true, checksPassed: true } });
  const cpu = process.cpuUsage();
  const started = performance.now();
  // Completion is counted from the in-process worker's own events: polling Redis would bill the bench's CPU to the checker.
  const jobs = Math.ceil(ids.length / 500) * Math.ceil(total / ids.length);
  const finished = new Promise<void>((resolve) => {
    let count = 0;
    const onDone = () => {
      count += 1;
      if (count < jobs) return;
      running.checker.workers.validate.off('completed', onDone).off('failed', onDone);
      resolve();
    };
    running.checker.workers.validate.on('completed', onDone).on('failed', onDone);
  });
  for (let done = 0; done < total; done += ids.length) {
    for (let start = 0; start < ids.length; start += 500)
      await enqueue(validateQueue, 'validate', { proxy_ids: ids.slice(start, start + 500) });
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const after = await db.proxy.aggregate({ _sum: { checksTotal: true, checksPassed: true } });
  const validations = (after._sum.checksTotal ?? 0) - (before._sum.checksTotal ?? 0);
  const passed = (after._sum.checksPassed ?? 0) - (before._sum.checksPassed ?? 0);
  return {
    validations,
    errors: validations - passed,
    seconds,
    cpuMs: (used.user + used.system) / 1000,
    maxInFlight: semaphore.maxInFlight,
  };
}

try {
  const healthy = world.proxies.slice(0, THROUGHPUT_PROXIES);
  console.log(
    `checker bench: ${healthy.length} healthy elite proxies and a judge in a separate process, concurrency ${CONCURRENCY}, ` +
      `pipeline of ${running.checker.pipeline.checkers.map((checker) => checker.name).join(' + ')}`,
  );
  await runBaseline(healthy, world.judgeUrl, SECRET, 1000, CONCURRENCY);
  const ids = await insertProxies(
    db,
    healthy.map((proxy) => ({ ...proxy, protocol: 'http' })),
    'in 1 day',
  );
  await runPipeline(ids, ids.length);
  // Interleaved rounds, so drift in the machine's load hits both sides alike.
  const baselineRuns: RunFigures[] = [];
  const pipelineRuns: RunFigures[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    baselineRuns.push(await runBaseline(healthy, world.judgeUrl, SECRET, VALIDATIONS, CONCURRENCY));
    pipelineRuns.push(await runPipeline(ids, VALIDATIONS));
  }
  const baseline = sumRuns(baselineRuns);
  const pipeline = sumRuns(pipelineRuns);
  console.log(line('bare-socket baseline', baseline));
  console.log(line('checker pipeline', pipeline));
  const throughputRatio = pipeline.validations / pipeline.seconds / (baseline.validations / baseline.seconds);
  const cpuRatio = pipeline.cpuMs / pipeline.validations / (baseline.cpuMs / baseline.validations);
  console.log(
    `throughput ${(throughputRatio * 100).toFixed(0)} % of baseline (target >= 50 %): ${throughputRatio >= 0.5 ? 'OK' : 'UNDER TARGET'}`,
  );
  console.log(
    `CPU per validation ${cpuRatio.toFixed(2)}x baseline (target <= 2x): ${cpuRatio <= 2 ? 'OK' : 'OVER TARGET'}`,
  );
  for (const row of await failureDetails())
    console.log(`  failed check: ${row.n} x ${row.checker_name}: ${row.detail}`);
  console.log(
    `in flight: ${pipeline.maxInFlight} at most, ${pipeline.errors} failed (target >= 1000 without error): ${pipeline.maxInFlight >= 1000 && pipeline.errors === 0 ? 'OK' : 'NOT MET'}`,
  );
  // BENCH_TLS=0 skips this run (quicker iterations on the figure without the stage).
  if (process.env.BENCH_TLS !== '0') {
    // The same proxies again with tls_integrity on, against fresh baseline rounds (same run, same fleet). The stage
    // runs at every validation here (TLS_CHECK_EVERY_MINUTES=0): what it costs when it runs. By default a proxy pays
    // it once per 6 h, i.e. at one validation in 72 of an active proxy re-checked every 5 minutes.
    await running.stop();
    running = await startChecker(tlsEnv, { logger, checkers: checkersWithTls });
    await running.checker.validating;
    db = running.checker.db;
    await runPipeline(ids, ids.length);
    const tlsBaselineRuns: RunFigures[] = [];
    const tlsRuns: RunFigures[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      tlsBaselineRuns.push(await runBaseline(healthy, world.judgeUrl, SECRET, VALIDATIONS, CONCURRENCY));
      tlsRuns.push(await runPipeline(ids, VALIDATIONS));
    }
    const tlsBaseline = sumRuns(tlsBaselineRuns);
    const withTls = sumRuns(tlsRuns);
    const cpuOf = (run: RunFigures) => run.cpuMs / run.validations;
    console.log(line('bare-socket baseline', tlsBaseline));
    console.log(line('pipeline + tls', withTls));
    console.log(
      `CPU per validation with tls_integrity ${cpuOf(withTls).toFixed(3)} ms (${(cpuOf(withTls) / cpuOf(tlsBaseline)).toFixed(2)}x baseline) ` +
        `beside ${cpuOf(pipeline).toFixed(3)} ms without (${cpuRatio.toFixed(2)}x): +${(cpuOf(withTls) - cpuOf(pipeline)).toFixed(3)} ms each, ` +
        `+${((cpuOf(withTls) - cpuOf(pipeline)) / 72).toFixed(3)} ms on average at the default interval (one validation in 72)`,
    );
    const mitm = await db.proxy.count({ where: { mitm: true } });
    console.log(`  tls_integrity: ${withTls.errors} validations failed, ${mitm} proxies marked mitm (expected 0)`);
  }

  if (process.env.BENCH_SWEEP === '0') throw new SkipSweep();
  // The sweep: healthy proxies (the address fleet's: each address as http and as https), black holes (accept,
  // never answer: each holds a slot until the total timeout) and dead ports (refused), SWEEP_CONCURRENCY
  // validations in flight in one checker process of its own. Validate jobs hold 500 proxies, so enough of them
  // run at once to fill the slots. This process plays the maintenance role (enqueue-due) and counts.
  await running.stop();
  running.stop = async () => {};
  const sweepDb = createDatabase({ url: database.url, poolSize: 4 });
  const sweepEnv = {
    ...env,
    CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    TOTAL_TIMEOUT_MS: String(TOTAL_TIMEOUT_MS),
    CHECKER_CONCURRENCY: String(SWEEP_CONCURRENCY),
    // A job of 500 is done when its slowest proxy is: one with black holes holds its claim for their timeout. Mixed,
    // 40 jobs kept under 2,000 in flight and took 51–55 s; 120 jobs 45.7 s. BENCH_SWEEP_JOBS sets it.
    VALIDATE_JOB_CONCURRENCY:
      process.env.BENCH_SWEEP_JOBS ?? String(Math.min(256, Math.ceil(SWEEP_CONCURRENCY / 500) * 6)),
    BENCH_STAGES: String(STAGES),
    // The checker's own node flags, as its start script and image give them; BENCH_SWEEP_NODE_OPTIONS adds flags for
    // this process only, e.g. `--import ./profile-on-exit.mjs` (NODE_OPTIONS refuses `--cpu-prof`).
    NODE_OPTIONS: [...CHECKER_NODE_FLAGS, process.env.BENCH_SWEEP_NODE_OPTIONS ?? ''].join(' ').trim(),
  };
  const sweepChecker = await startSweepChecker(sweepEnv);
  try {
    const healthyRows = Array.from({ length: Math.ceil(SWEEP_HEALTHY / 2) }, (_, index) => addressFleetHost(index))
      .flatMap((host, index) =>
        (['http', 'https'] as const).map((protocol) => ({
          host,
          port: addressFleetPorts[index % addressFleetPorts.length]!,
          protocol,
        })),
      )
      .slice(0, SWEEP_HEALTHY);
    const holeRows = world.holes.flatMap((hole) => PROTOCOLS.map((protocol) => ({ ...hole, protocol })));
    const deadHosts = Math.max(0, Math.ceil((SWEEP_PROXIES - healthyRows.length - holeRows.length) / PROTOCOLS.length));
    const deadRows = Array.from({ length: deadHosts }, (_, index) => fleetHost(40_000 + index)).flatMap((host) =>
      PROTOCOLS.map((protocol) => ({ host, port: 9, protocol })),
    );
    // In no particular order, as a scraped pool comes (and as its due proxies are claimed): BENCH_SWEEP_ORDER=blocks
    // keeps them grouped instead (every healthy proxy first, then the black holes, then the dead ports).
    const grouped = [...healthyRows, ...holeRows, ...deadRows];
    const sweep = process.env.BENCH_SWEEP_ORDER === 'blocks' ? grouped : seededShuffle(grouped);
    const { limit } = await sweepChecker.window();
    // The stated bound: black holes x the time each holds a slot / concurrency, plus the healthy proxies' time
    // at the throughput measured above. Dead ports are refused at once and count for nothing in it.
    const healthySeconds = healthyRows.length / (pipeline.validations / pipeline.seconds);
    const bound = (holeRows.length * (TOTAL_TIMEOUT_MS / 1000)) / limit + healthySeconds;
    const failing = holeRows.length + deadRows.length;
    console.log(
      `sweep of ${sweep.length.toLocaleString('en')} proxies (${sweep === grouped ? 'grouped' : 'mixed'}): ${healthyRows.length} healthy, ${holeRows.length} black holes, ${deadRows.length} dead ports ` +
        `(${((failing / sweep.length) * 100).toFixed(0)} % black holes or dead); one checker process, concurrency ${limit} (wanted ${SWEEP_CONCURRENCY}), ` +
        `${sweepEnv.VALIDATE_JOB_CONCURRENCY} validate jobs at once; bound (holes x ${TOTAL_TIMEOUT_MS / 1000} s) / concurrency + healthy ` +
        `${healthySeconds.toFixed(1)} s = ${bound.toFixed(1)} s, x 1.2 = ${(bound * 1.2).toFixed(1)} s`,
    );
    const helpers = [
      { role: 'judge and black holes', pid: fleet.child.pid! },
      { role: 'healthy proxies', pid: addressFleet.child.pid! },
    ];
    const rounds: SweepFigures[] = [];
    for (let round = 0; round < SWEEP_ROUNDS; round += 1) {
      const figures = await sweepOnce(sweepDb, validateQueue, sweepChecker, sweep, helpers);
      rounds.push(figures);
      console.log(
        `  round ${round + 1}: ${figures.wallSeconds.toFixed(1)} s wall (${figures.queued} queued), checker CPU ${figures.cpuMsPerValidation.toFixed(3)} ms per validation ` +
          `(helpers: ${figures.helperCpu}; machine busy ${figures.machineBusy}), in flight at most ${figures.maxInFlight}, open descriptors at most ${figures.maxDescriptors}, ` +
          `checker RSS ${figures.rssAtStartMiB.toFixed(0)} MiB at the start, peak ${figures.peakRssMiB.toFixed(0)} MiB; event-loop delay p99 ` +
          `${figures.loopDelayP99Ms.toFixed(0)} ms, max ${figures.loopDelayMaxMs.toFixed(0)} ms; listen queue overflows ${figures.listenOverflows}; statuses ${figures.statuses}  [${machineLine()}]`,
      );
    }
    const wall = median(rounds.map((figures) => figures.wallSeconds));
    const maxInFlight = Math.min(...rounds.map((figures) => figures.maxInFlight));
    const peakRss = Math.max(...rounds.map((figures) => figures.peakRssMiB));
    console.log(
      `  median ${wall.toFixed(1)} s wall (${rounds.map((figures) => figures.wallSeconds.toFixed(1)).join(' / ')}) against 1.2 x ${bound.toFixed(1)} s = ` +
        `${(bound * 1.2).toFixed(1)} s: ${wall <= bound * 1.2 ? 'MET' : 'NOT MET'}; in flight at most ${maxInFlight} in every round ` +
        `(target 10,000: ${maxInFlight >= 10_000 ? 'MET' : 'NOT MET'}); peak RSS of the checker process ${peakRss.toFixed(0)} MiB ` +
        `(${rounds.map((figures) => figures.peakRssMiB.toFixed(0)).join(' / ')}; target <= 1024: ${peakRss <= 1024 ? 'MET' : 'NOT MET'})`,
    );
    for (const row of await healthyFailures(sweepDb, addressFleetPorts))
      console.log(`  failed check of a healthy proxy (last round): ${row.n} x ${row.detail}`);
  } finally {
    await sweepChecker.stop();
    await sweepDb.$disconnect();
  }
} catch (error) {
  if (!(error instanceof SkipSweep)) throw error;
} finally {
  await validateQueue.close();
  await clearKeys(redis, prefix);
  redis.disconnect();
  await running.stop();
  await database.drop();
  await Promise.all([fleet.stop(), addressFleet.stop()]);
}
