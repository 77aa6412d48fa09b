/**
 * `npm run bench:steady`: one checker process holding a pool of 200,000 proxies under its re-check schedule for
 * BENCH_MINUTES (10). The pool is seeded as it looks once settled: healthy proxies `active` and due within their
 * 5-minute interval, dead ones (black holes and refused ports) `dead` with 3–10 failures, due within their backoff
 * (15 min doubling to 24 h). The due sweep runs every 15 s, as the scraper's maintenance would. Prints overdue
 * proxies over time, validations per second against the schedule's demand, the database's growth per hour, the
 * checker's capacity (CPU- and slot-bound) and from it the largest pool one checker keeps fresh, and the sizing
 * rule. The fake proxies run in a process of their own (fleet-process.ts). Loopback only.
 */
import { fileURLToPath } from 'node:url';
import { createLogger } from '@proxy-pool/logger';
import { enqueueDueProxies } from '@proxy-pool/maintenance';
import { createQueue, createRedis } from '@proxy-pool/queues';
import { clearKeys, privateDatabase } from '@proxy-pool/test-kit';
import { benchWorkerEnv, machineLine, peakRssMiB, spawnReadyChild } from '@proxy-pool/test-kit/bench';
import { builtinCheckerList } from '../src/checker.js';
import { loadCheckerConfig } from '../src/config.js';
import { startChecker } from '../src/main.js';
import { probeCapacity, seedSettledPool, type SeededPool } from './steady-pool.js';

const POOL = Number(process.env.BENCH_POOL ?? 200_000);
const HEALTHY_SERVERS = Number(process.env.BENCH_HEALTHY_SERVERS ?? 5_000);
const HOLE_SERVERS = Number(process.env.BENCH_HOLE_SERVERS ?? 1_000);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 10);
const SAMPLE_MS = 30_000;
const SWEEP_MS = 15_000;
const SECRET = 'steady-bench-judge-secret-0123456789';

const fleet = await spawnReadyChild(fileURLToPath(new URL('./fleet-process.ts', import.meta.url)), {
  HEALTHY: String(HEALTHY_SERVERS),
  HOLES: String(HOLE_SERVERS),
  JUDGE_SECRET: SECRET,
});
const world = JSON.parse(fleet.payload) as SeededPool['world'];
const database = await privateDatabase(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const env = { ...benchWorkerEnv(database.url), JUDGE_URL: world.judgeUrl, JUDGE_SECRET: SECRET };
const config = loadCheckerConfig(env);
// The stages that need nothing beyond the fake proxies and the plain judge (no TLS listener in the fleet).
const checkers = async (ownIps: () => readonly string[]) =>
  (await builtinCheckerList(config, ownIps)).filter((checker) => checker.name !== 'tls_integrity');
const running = await startChecker(env, { logger: createLogger({ service: 'steady-bench', level: 'warn' }), checkers });
await running.checker.validating;
const { db } = running.checker;
const redis = createRedis(env.REDIS_URL, 'worker');
const validateQueue = createQueue('validate', { connection: redis, prefix: env.QUEUE_PREFIX });

try {
  const pool = await seedSettledPool(db, { world, size: POOL, config });
  const stats = async () => {
    const [row] = await db.$queryRaw<
      Array<{ overdue: number; checks: bigint; holes: bigint; bytes: bigint; history: bigint; proxies: bigint }>
    >`
      SELECT count(*) FILTER (WHERE next_check_at < now() - interval '1 minute')::int AS overdue,
             sum(checks_total)::bigint AS checks,
             sum(checks_total) FILTER (WHERE tags ? 'bench_kind')::bigint AS holes,
             pg_database_size(current_database())::bigint AS bytes,
             (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) FROM pg_inherits i
               WHERE i.inhparent = 'history.proxy_checks'::regclass)::bigint AS history,
             pg_total_relation_size('proxies')::bigint AS proxies
      FROM proxies`;
    return {
      overdue: row?.overdue ?? 0,
      checks: Number(row?.checks ?? 0),
      holes: Number(row?.holes ?? 0),
      bytes: Number(row?.bytes ?? 0),
      history: Number(row?.history ?? 0),
      proxies: Number(row?.proxies ?? 0),
    };
  };
  const first = await stats();
  const sweep = () =>
    enqueueDueProxies(
      { db, validateQueue },
      {
        limit: config.ENQUEUE_DUE_LIMIT,
        batchSize: config.DUE_BATCH_SIZE,
        leaseSeconds: config.CHECK_LEASE_SECONDS,
      },
    );
  const sweeping = setInterval(() => void sweep().catch(() => undefined), SWEEP_MS);
  await sweep();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const samples: Array<{ minute: number; overdue: number; perSecond: number }> = [];
  let previous = first;
  while (performance.now() - started < MINUTES * 60_000) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const now = await stats();
    const sample = {
      minute: (performance.now() - started) / 60_000,
      overdue: now.overdue,
      perSecond: (now.checks - previous.checks) / (SAMPLE_MS / 1000),
    };
    samples.push(sample);
    console.log(
      `  ${sample.minute.toFixed(1).padStart(5)} min: ${String(sample.overdue).padStart(6)} overdue, ${sample.perSecond.toFixed(0)} validations/s`,
    );
    previous = now;
  }
  clearInterval(sweeping);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const last = await stats();
  const validations = last.checks - first.checks;
  const holeValidations = last.holes - first.holes;
  const cpuMs = (used.user + used.system) / 1000 / Math.max(1, validations);
  const probe = await probeCapacity(db, validateQueue, pool, config);
  const capacity = probe.perSecond;
  const perProxy = pool.demandPerSecond / POOL;
  const perHour = (bytes: number) => ((bytes / 1048576) * (3600 / seconds)).toFixed(1);
  const tail = samples.slice(-4);
  const keepsUp = tail.every((sample) => sample.overdue <= POOL * 0.01);
  console.log(
    [
      `steady state: ${POOL.toLocaleString('en')} proxies (${pool.healthy} healthy, ${pool.holes} black holes, ${pool.dead} refused) for ${MINUTES} min, one checker (CHECKER_CONCURRENCY ${config.CHECKER_CONCURRENCY})`,
      `  schedule demand ${pool.demandPerSecond.toFixed(1)} validations/s; done ${(validations / seconds).toFixed(1)}/s; overdue (> 1 min) at the end ${last.overdue}: keeps up ${keepsUp ? 'YES' : 'NO'}`,
      `  database growth ${perHour(last.bytes - first.bytes)} MiB per hour: check history ${perHour(last.history - first.history)} ` +
        `(failures and status changes, kept CHECK_RETENTION_DAYS), proxies table ${perHour(last.proxies - first.proxies)} ` +
        `(row versions each validation leaves until autovacuum reuses the space)`,
      `  checker CPU ${cpuMs.toFixed(3)} ms per validation at this load (idle overhead included); ${holeValidations} black-hole validations`,
      `  capacity probe: proxies in the steady mix made due at once, 95 % (${probe.validations}) checked in ${probe.seconds.toFixed(1)} s = ${capacity.toFixed(0)} validations/s`,
      `  capacity ${capacity.toFixed(0)} validations/s; this mix asks ${(perProxy * 100_000).toFixed(1)}/s per 100,000 proxies → largest pool one checker keeps fresh ≈ ${Math.floor(capacity / perProxy / 1000) * 1000} proxies`,
      `  sizing: checker replicas per 100,000 proxies of this mix = ${((perProxy * 100_000) / capacity).toFixed(2)} (run at most half loaded: ${Math.max(1, Math.ceil((2 * perProxy * 100_000) / capacity))})`,
      `  peak RSS of this process ${peakRssMiB().toFixed(0)} MiB  [${machineLine()}]`,
    ].join('\n'),
  );
} finally {
  await validateQueue.close();
  await clearKeys(redis, env.QUEUE_PREFIX);
  redis.disconnect();
  await running.stop();
  await database.drop();
  await fleet.stop();
}
