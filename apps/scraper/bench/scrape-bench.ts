/**
 * `npm run bench:scrape [-- --lines N]`: one N-line list (100,000 by default, or BENCH_LINES; 127.x.y.z
 * addresses, ALLOW_PRIVATE_TARGETS on) scraped twice by a real in-process scraper through the real queue:
 * first every proxy is new, then every one is known. BENCH_ROUNDS (3) rounds, each on an emptied table;
 * prints seconds and proxies/s for each, their medians, and this process's peak RSS (the list is served
 * generated on the fly, so the peak is the scraper's own). Uses a fresh throwaway database (or
 * BENCH_DATABASE_URL).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { createLogger } from '@proxy-pool/logger';
import { createQueueEvents, createRedis, enqueue } from '@proxy-pool/queues';
import { clearKeys, loopbackProxyLine, sourceListServer } from '@proxy-pool/test-kit';
import { benchWorkerEnv, machineLine, median, peakRssMiB, throwawayDatabase } from '@proxy-pool/test-kit/bench';
import { startScraper } from '../src/main.js';

const { values: args } = parseArgs({ options: { lines: { type: 'string' } } });
const LINES = Number(args.lines ?? process.env.BENCH_LINES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The stated targets: 100,000 lines in 4 s, 1,000,000 lines in 30 s with the scraper's RSS at most 300 MiB. */
const TARGET_SECONDS = LINES > 100_000 ? 30 : 4;
const TARGET_RSS_MIB = 300;

const database = await throwawayDatabase();
let bytes = 0;
for (let index = 0; index < LINES; index++) bytes += loopbackProxyLine(index).length;
const server = await sourceListServer({ routes: { '/list.txt': { generate: { bytes, line: loopbackProxyLine } } } });
const env = {
  ...benchWorkerEnv(database.url),
  ...(process.env.SCRAPE_UPSERT_CONCURRENCY
    ? { SCRAPE_UPSERT_CONCURRENCY: process.env.SCRAPE_UPSERT_CONCURRENCY }
    : {}),
};
const prefix = env.QUEUE_PREFIX;
// The scraper's own 'scrape completed' line carries the fetch / parse / store split; print just that.
const phases = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const line = JSON.parse(chunk.toString()) as Record<string, unknown>;
    if (line.message === 'scrape completed')
      console.log(`             fetch+parse ${line.fetch_parse_ms} ms, upsert+links+validate jobs ${line.store_ms} ms`);
    else if (line.level === 'error' || line.level === 'warn') console.error(line);
    done();
  },
});
const logger = createLogger({ service: 'scraper-bench', level: 'info', console: false, stream: phases });
const running = await startScraper(env, { logger });
const { db, queues } = running.scraper;
const eventsConnection = createRedis(env.REDIS_URL, 'worker');
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
    `machine: ${machineLine()} at start; this process's RSS before the first scrape ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
  );
  const seconds: Record<string, number[]> = { 'first scrape': [], 're-scrape': [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    await db.$executeRawUnsafe('TRUNCATE proxies CASCADE');
    for (const label of ['first scrape', 're-scrape']) {
      const started = performance.now();
      const job = await enqueue(queues.scrape, 'scrape', { source_id: source.id, trigger: 'manual' });
      const result = await job.waitUntilFinished(queueEvents, 600_000);
      const took = (performance.now() - started) / 1000;
      seconds[label]!.push(took);
      // With node --expose-gc: the live heap after each scrape, to see that nothing accumulates across scrapes.
      const collect = (globalThis as { gc?: () => void }).gc;
      if (collect) {
        collect();
        console.log(`             live heap after GC ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`);
      }
      const rate = Math.round(result.proxies_discovered / took);
      console.log(
        `${label.padEnd(12)} ${took.toFixed(2)} s total (job ${(result.duration_ms / 1000).toFixed(2)} s)  ${rate.toLocaleString('en')} proxies/s  ` +
          `discovered=${result.proxies_discovered} new=${result.proxies_new} updated=${result.proxies_updated}  ${took <= TARGET_SECONDS ? 'OK' : 'OVER TARGET'}`,
      );
    }
  }
  for (const [label, runs] of Object.entries(seconds)) {
    const middle = median(runs);
    console.log(
      `median ${label.padEnd(12)} ${middle.toFixed(2)} s (${runs.map((run) => run.toFixed(2)).join(' / ')})  target <= ${TARGET_SECONDS} s: ${middle <= TARGET_SECONDS ? 'MET' : 'NOT MET'}`,
    );
  }
  const rss = peakRssMiB();
  console.log(
    `peak RSS of this process (scraper, list server, bench) ${rss.toFixed(0)} MiB, target <= ${TARGET_RSS_MIB} MiB: ${rss <= TARGET_RSS_MIB ? 'MET' : 'NOT MET'}`,
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
  await queueEvents.close();
  eventsConnection.disconnect();
  await clearKeys(running.scraper.redis, prefix);
  await running.stop();
  await server.close();
  await database.drop();
}
