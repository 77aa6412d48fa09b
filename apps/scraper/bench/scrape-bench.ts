/**
 * `npm run bench:scrape [-- --lines N]`: one N-line list (100,000 by default, or BENCH_LINES; 127.x.y.z
 * addresses, ALLOW_PRIVATE_TARGETS on) scraped twice by a real scraper through the real queue: first every
 * proxy is new, then every one is known. BENCH_ROUNDS (3) rounds, each on an emptied table; prints seconds and
 * proxies/s for each, their medians, and the scraper's peak RSS. The scraper runs in a process of its own
 * (scraper-child.ts: `src/main.ts`, as `npm start` runs it), so that figure is the scraper's alone; the list
 * server (generating the list as it is sent) and this bench run here. BENCH_SCRAPER=dist runs the scraper
 * compiled, as its image does (`node dist/main.js`, built first), instead of through tsx. NODE_OPTIONS reaches
 * the scraper as usual; BENCH_SCRAPER_FLAGS adds node flags for it alone (e.g. `--cpu-prof`). Uses a fresh
 * throwaway database (or BENCH_DATABASE_URL).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createDatabase } from '@proxy-pool/db';
import { createQueue, createQueueEvents, createRedis, enqueue } from '@proxy-pool/queues';
import { clearKeys, loopbackProxyLine, sourceListServer } from '@proxy-pool/test-kit';
import { benchWorkerEnv, machineLine, median, throwawayDatabase } from '@proxy-pool/test-kit/bench';
import { sampleMemory } from './memory-sampler.js';
import { startScraperChild, type ScraperForm } from './scraper-child.js';

const { values: args } = parseArgs({ options: { lines: { type: 'string' } } });
const LINES = Number(args.lines ?? process.env.BENCH_LINES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The stated targets: 100,000 lines in 4 s, 1,000,000 lines in 30 s with the scraper's RSS at most 300 MiB. */
const TARGET_SECONDS = LINES > 100_000 ? 30 : 4;
const TARGET_RSS_MIB = 300;
const FORM: ScraperForm = process.env.BENCH_SCRAPER === 'dist' ? 'dist' : 'tsx';

const database = await throwawayDatabase();
let bytes = 0;
for (let index = 0; index < LINES; index++) bytes += loopbackProxyLine(index).length;
const server = await sourceListServer({ routes: { '/list.txt': { generate: { bytes, line: loopbackProxyLine } } } });
const env: Record<string, string> = {
  ...benchWorkerEnv(database.url),
  LOG_LEVEL: 'info',
  ...(process.env.SCRAPE_UPSERT_CONCURRENCY
    ? { SCRAPE_UPSERT_CONCURRENCY: process.env.SCRAPE_UPSERT_CONCURRENCY }
    : {}),
};
const prefix = env.QUEUE_PREFIX!;
// The scraper's own 'scrape completed' line carries the fetch / parse / store split; print just that.
const scraper = await startScraperChild(
  FORM,
  env,
  (process.env.BENCH_SCRAPER_FLAGS ?? '').split(' ').filter(Boolean),
  (line) => {
    if (line.message === 'scrape completed')
      console.log(`             fetch+parse ${line.fetch_parse_ms} ms, upsert+links+validate jobs ${line.store_ms} ms`);
    else if (line.level === 'error' || line.level === 'warn') console.error(line);
  },
);
const memory = sampleMemory(scraper.healthPort);
const db = createDatabase({ url: database.url, poolSize: 2 });
const redis = createRedis(env.REDIS_URL!, 'worker');
const scrapeQueue = createQueue('scrape', { connection: redis, prefix });
const eventsConnection = createRedis(env.REDIS_URL!, 'worker');
const queueEvents = createQueueEvents('scrape', { connection: eventsConnection, prefix });
await queueEvents.waitUntilReady();

try {
  const source = await db.source.create({
    data: { url: server.urlFor('/list.txt'), parserName: 'plaintext', cronSchedule: '0 0 1 1 *' },
  });
  console.log(
    `scrape bench: ${LINES.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(1)} MB, ${ROUNDS} rounds, target <= ${TARGET_SECONDS} s each`,
  );
  console.log(
    `machine: ${machineLine()} at start; the scraper process (${FORM === 'dist' ? 'node dist/main.js' : 'tsx src/main.ts'}, pid ${scraper.pid}) holds ${scraper.memory().rssMiB.toFixed(0)} MiB before its first scrape`,
  );
  const seconds: Record<string, number[]> = { 'first scrape': [], 're-scrape': [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    await db.$executeRawUnsafe('TRUNCATE proxies CASCADE');
    for (const label of ['first scrape', 're-scrape']) {
      const started = performance.now();
      const job = await enqueue(scrapeQueue, 'scrape', { source_id: source.id, trigger: 'manual' });
      const result = await job.waitUntilFinished(queueEvents, 600_000);
      const took = (performance.now() - started) / 1000;
      seconds[label]!.push(took);
      const rate = Math.round(result.proxies_discovered / took);
      // RSS after each scrape (and the peak so far): flat across rounds means nothing accumulates.
      const memory = scraper.memory();
      console.log(
        `${label.padEnd(12)} ${took.toFixed(2)} s total (job ${(result.duration_ms / 1000).toFixed(2)} s)  ${rate.toLocaleString('en')} proxies/s  ` +
          `discovered=${result.proxies_discovered} new=${result.proxies_new} updated=${result.proxies_updated}  ${took <= TARGET_SECONDS ? 'OK' : 'OVER TARGET'}  ` +
          `scraper RSS ${memory.rssMiB.toFixed(0)} MiB (peak ${memory.peakMiB.toFixed(0)})`,
      );
    }
  }
  for (const [label, runs] of Object.entries(seconds)) {
    const middle = median(runs);
    console.log(
      `median ${label.padEnd(12)} ${middle.toFixed(2)} s (${runs.map((run) => run.toFixed(2)).join(' / ')})  target <= ${TARGET_SECONDS} s: ${middle <= TARGET_SECONDS ? 'MET' : 'NOT MET'}`,
    );
  }
  const rss = scraper.memory().peakMiB;
  console.log(
    `peak RSS of the scraper process ${rss.toFixed(0)} MiB, target <= ${TARGET_RSS_MIB} MiB: ${rss <= TARGET_RSS_MIB ? 'MET' : 'NOT MET'}`,
  );
  const composition = memory.highest();
  if (composition)
    console.log(
      `  at the highest sampled RSS (${composition.rssMiB.toFixed(0)} MiB): V8 heap ${composition.heapTotalMiB.toFixed(0)} MiB (${composition.heapUsedMiB.toFixed(0)} in use), ` +
        `external (Buffers, ArrayBuffers) ${composition.externalMiB.toFixed(0)} MiB`,
    );
  console.log(`machine: ${machineLine()} at the end`);
  // The database's own floor on this machine right now: one plain INSERT of as many fresh rows (no conflict
  // handling, no links, no queue), to read the figures above against when the machine is busy.
  const started = performance.now();
  await db.$executeRaw`INSERT INTO proxies (id, ip, port, protocol)
    SELECT uuid_v7(), ('127.' || (200 + i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256))::inet, 1024 + i % 60000, 'http'
    FROM generate_series(0, ${LINES - 1}::int) AS i`;
  const floor = (performance.now() - started) / 1000;
  console.log(
    `db floor     ${floor.toFixed(2)} s for one plain INSERT of ${LINES.toLocaleString('en')} rows (load average now ${loadavg()[0]!.toFixed(2)})`,
  );
} finally {
  memory.stop();
  await scraper.stop();
  await queueEvents.close();
  eventsConnection.disconnect();
  await scrapeQueue.close();
  await clearKeys(redis, prefix);
  redis.disconnect();
  await db.$disconnect();
  await server.close();
  await database.drop();
}
