/**
 * `npm run bench:api` — GET /proxies latency over 1,000,000 proxies (32 keep-alive clients, a mix of filters,
 * sorts and next pages) and POST /proxies/acquire throughput (64 clients) against a real API process on
 * loopback. Uses its own database (BENCH_DATABASE_URL, default `proxypool_bench`, never the main one), seeded
 * once and reused by later runs; `--fresh` reseeds, `--drop` drops it at the end. Every scenario runs
 * BENCH_RUNS times; the medians are the figures. Targets: p95 <= 25 ms; >= 500 acquires/s.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { envInt, loadConfig, z } from '@proxy-pool/config';
import { Redis } from 'ioredis';
import { createDatabase, type Database } from '@proxy-pool/db';
import { auditLeases, dropBenchDatabase, prepareBenchDatabase, resetUsers } from './bench-database.js';
import { acquireLoad, baselineLoad, queryLoad, queryMix } from './bench-scenarios.js';
import { allLatencies, createClient, median, percentile, type LoadResult } from './http-load.js';
import { timeSqlQueries } from './sql-timing.js';

const config = loadConfig(
  z.object({
    BENCH_DATABASE_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/proxypool_bench'),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    BENCH_PROXIES: envInt(1_000_000, 1000),
    BENCH_RUNS: envInt(3, 1, 20),
    BENCH_SECONDS: envInt(15, 1, 600),
    BENCH_QUERY_CLIENTS: envInt(32, 1, 1000),
    BENCH_ACQUIRE_CLIENTS: envInt(64, 1, 1000),
    /** A directory: the API process writes a V8 CPU profile there when it stops (open it in Chrome DevTools). */
    BENCH_API_CPU_PROFILE_DIR: z.string().optional(),
    DATABASE_POOL_SIZE: envInt(10, 1, 500),
  }),
  process.env,
);
const args = new Set(process.argv.slice(2));
/** `--only=query` or `--only=acquire` runs one section; both run by default. */
const only = [...args].find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const wanted = (section: 'query' | 'acquire') => only === undefined || only === section;
const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (value: number) => `${value.toFixed(1).padStart(6)} ms`;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

/** The API as production runs it (its own process, default settings), except rate limits and log level. */
async function startApi() {
  const port = await freePort();
  const profile = config.BENCH_API_CPU_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${config.BENCH_API_CPU_PROFILE_DIR}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        // Production requires a judge secret of its own; the bench never calls the judge.
        JUDGE_SECRET: randomBytes(24).toString('base64url'),
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: config.BENCH_DATABASE_URL,
        DATABASE_POOL_SIZE: String(config.DATABASE_POOL_SIZE),
        REDIS_URL: config.REDIS_URL,
        QUEUE_PREFIX: `bench${port}`,
        LOG_LEVEL: 'warn',
        RATE_LIMITS_ENABLED: 'false',
      },
    },
  );
  const client = createClient(port, Math.max(config.BENCH_QUERY_CLIENTS, config.BENCH_ACQUIRE_CLIENTS) + 4);
  for (let attempt = 0; ; attempt += 1) {
    const up = await client.send({ kind: 'health', method: 'GET', path: '/health' }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (up) break;
    if (attempt > 120) throw new Error('the API did not become healthy');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const stop = async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
    // The API's queue metadata and caches live under its own prefix: remove them.
    const redis = new Redis(config.REDIS_URL);
    const keys = await redis.keys(`bench${port}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  };
  /** CPU seconds (user + system) the API process has used so far, from /proc (Linux). */
  const cpuSeconds = (): number => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { client, stop, cpuSeconds };
}

function latencyLine(result: LoadResult, kind?: string): string {
  const values = kind ? (result.latencies.get(kind) ?? []) : allLatencies(result);
  return `p50 ${ms(percentile(values, 50))}  p95 ${ms(percentile(values, 95))}  p99 ${ms(percentile(values, 99))}`;
}

async function querySection(api: Awaited<ReturnType<typeof startApi>>, db: Database) {
  const readers = await resetUsers(db, config.BENCH_QUERY_CLIENTS, 0);
  const [fresh] = await db.$queryRaw<
    Array<{ age: number }>
  >`SELECT extract(epoch FROM now() - max(last_checked_at))::int / 60 AS age FROM proxies`;
  const mix = queryMix((fresh?.age ?? 0) + 10);
  const shape = { clients: config.BENCH_QUERY_CLIENTS, seconds: config.BENCH_SECONDS, warmupSeconds: 5 };
  log(
    `\nGET /proxies over ${config.BENCH_PROXIES.toLocaleString('en')} proxies: ${shape.clients} keep-alive clients, closed loop, ${config.BENCH_RUNS} x ${shape.seconds} s`,
  );
  // A freshly started API is still compiling its hot paths: one unrecorded pass of the mix first, so the runs
  // measure the steady state (each run still has its own warm-up).
  await queryLoad(api.client.send, readers, { ...shape, seconds: 0, warmupSeconds: 10 }, mix);
  const runs: LoadResult[] = [];
  for (let run = 1; run <= config.BENCH_RUNS; run += 1) {
    const cpuBefore = api.cpuSeconds();
    const result = await queryLoad(api.client.send, readers, shape, mix);
    // Includes the warm-up's requests and CPU alike (both are counted from the same start).
    const cpuPerRequest = ((api.cpuSeconds() - cpuBefore) / result.totalRequests) * 1000;
    runs.push(result);
    log(
      `  run ${run}: ${latencyLine(result)}  ${(result.requests / result.seconds).toFixed(0)} req/s  API CPU ${cpuPerRequest.toFixed(3)} ms/req  ${JSON.stringify(result.statuses)}  load ${load()}`,
    );
  }
  const p95s = runs.map((run) => percentile(allLatencies(run), 95));
  const p95 = median(p95s);
  log(
    `  MEDIAN: p50 ${ms(median(runs.map((run) => percentile(allLatencies(run), 50))))}  p95 ${ms(p95)}   target p95 <= 25 ms: ${p95 <= 25 ? 'met' : 'NOT met'}`,
  );
  const middle = runs[p95s.indexOf(p95)] ?? runs[0]!;
  for (const kind of [...mix.map((entry) => entry.kind), 'next page'])
    log(`    ${kind.padEnd(33)} ${latencyLine(middle, kind)}`);
  const cpuBefore = api.cpuSeconds();
  const base = await baselineLoad(api.client.send, readers, {
    ...shape,
    seconds: Math.min(shape.seconds, 10),
    warmupSeconds: 2,
  });
  const baseCpu = ((api.cpuSeconds() - cpuBefore) / base.totalRequests) * 1000;
  log(
    `  baseline GET /stats/plugins (auth, no pool data), same clients: ${latencyLine(base)}  ${(base.requests / base.seconds).toFixed(0)} req/s  API CPU ${baseCpu.toFixed(3)} ms/req`,
  );
  log(
    `  => GET /proxies p95 = ${(p95 / percentile(allLatencies(base), 95)).toFixed(2)} x the baseline p95 on this machine`,
  );
  log('  database time per query alone (no HTTP, no auth; first page / 20 pages deep / uncached count):');
  for (const t of await timeSqlQueries(db, mix, 20)) {
    log(
      `    ${t.kind.padEnd(33)} page p95 ${ms(t.page.p95)}  deep p95 ${ms(t.deepPage.p95)}  count ${ms(t.count.p50)} (${t.count.rows} rows)`,
    );
  }
}

async function acquireSection(api: Awaited<ReturnType<typeof startApi>>, db: Database, release: boolean) {
  const shape = { clients: config.BENCH_ACQUIRE_CLIENTS, seconds: config.BENCH_SECONDS, warmupSeconds: 1 };
  log(
    release
      ? `\nPOST /proxies/acquire, then release, ${shape.clients} clients (live leases stay near ${shape.clients}), ${config.BENCH_RUNS} x ${shape.seconds} s`
      : `\nPOST /proxies/acquire holding every 300 s lease, ${shape.clients} clients (the pool's best proxies fill up), ${config.BENCH_RUNS} x ${shape.seconds} s`,
  );
  const rates: number[] = [];
  for (let run = 1; run <= config.BENCH_RUNS; run += 1) {
    const buyers = await resetUsers(db, shape.clients, 1_000_000);
    const result = await acquireLoad(api.client.send, buyers, shape, release);
    const audit = await auditLeases(db);
    const rate = (result.statusesByKind.acquire?.[200] ?? 0) / result.seconds;
    rates.push(rate);
    log(
      `  run ${run}: ${rate.toFixed(0)} acquires/s  acquire ${latencyLine(result, 'acquire')}  ${JSON.stringify(result.statusesByKind)}  load ${load()}`,
    );
    const clean =
      audit.overlappingLeases === 0 && audit.balanceMismatches === 0 && audit.leases === audit.acquireTransactions;
    log(
      `         audit: ${audit.leases} leases, ${audit.acquireTransactions} acquire charges, ${audit.overlappingLeases} overlapping leases, ${audit.balanceMismatches} balance mismatches${clean ? '' : '  FAILED'}`,
    );
    if (!clean) process.exitCode = 1;
  }
  const rate = median(rates);
  log(`  MEDIAN: ${rate.toFixed(0)} acquires/s   target >= 500: ${rate >= 500 ? 'met' : 'NOT met'}`);
}

async function main() {
  log(`load average at start: ${load()}`);
  await prepareBenchDatabase(config.BENCH_DATABASE_URL, config.BENCH_PROXIES, args.has('--fresh'), log);
  const db = createDatabase({ url: config.BENCH_DATABASE_URL, poolSize: 2 });
  const api = await startApi();
  try {
    if (wanted('query')) await querySection(api, db);
    if (wanted('acquire')) {
      await acquireSection(api, db, true);
      await acquireSection(api, db, false);
    }
  } finally {
    api.client.close();
    await api.stop();
    await db.$disconnect();
    if (args.has('--drop')) await dropBenchDatabase(config.BENCH_DATABASE_URL);
    else
      log(
        `\nDatabase ${new URL(config.BENCH_DATABASE_URL).pathname.slice(1)} is kept for the next run (--drop removes it, --fresh reseeds).`,
      );
  }
}

await main();
