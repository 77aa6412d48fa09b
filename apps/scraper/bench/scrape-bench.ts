/**
 * `npm run bench:scrape`: one 100,000-line list (127.x.y.z addresses, ALLOW_PRIVATE_TARGETS on) scraped
 * twice by a real in-process scraper through the real queue: first every proxy is new, then every one is
 * known. Prints proxies/s and seconds for each. Uses a fresh throwaway database (or BENCH_DATABASE_URL).
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { createLogger } from '@proxy-pool/logger';
import { createQueueEvents, createRedis, enqueue } from '@proxy-pool/queues';
import { clearKeys, loopbackProxyLine, sourceListServer } from '@proxy-pool/test-kit';
import { throwawayDatabase } from '@proxy-pool/test-kit/bench';
import { startScraper } from '../src/main.js';

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const TARGET_SECONDS = 4;

const database = await throwawayDatabase();
const body = Array.from({ length: LINES }, (_, index) => loopbackProxyLine(index)).join('');
const server = await sourceListServer({ routes: { '/list.txt': { body } } });
const prefix = `bench${randomUUID().slice(0, 8)}`;
const env = {
  DATABASE_URL: database.url,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: prefix,
  ALLOW_PRIVATE_TARGETS: 'true',
  HEALTH_PORT: '0',
  HEALTH_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  ...(process.env.SCRAPE_UPSERT_CONCURRENCY ? { SCRAPE_UPSERT_CONCURRENCY: process.env.SCRAPE_UPSERT_CONCURRENCY } : {}),
};
// The scraper's own 'scrape completed' line carries the fetch / parse / store split; print just that.
const phases = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const line = JSON.parse(chunk.toString()) as Record<string, unknown>;
    if (line.message === 'scrape completed') console.log(`             fetch ${line.fetch_ms} ms, parse ${line.parse_ms} ms, upsert+links+validate jobs ${line.store_ms} ms`);
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
  const source = await db.source.create({ data: { url: server.urlFor('/list.txt'), parserName: 'plaintext', cronSchedule: '0 0 1 1 *' } });
  console.log(`scrape bench: ${LINES.toLocaleString('en')} lines, ${(body.length / 1e6).toFixed(1)} MB, target <= ${TARGET_SECONDS} s each`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at start`);
  for (const label of ['first scrape', 're-scrape']) {
    const started = performance.now();
    const job = await enqueue(queues.scrape, 'scrape', { source_id: source.id, trigger: 'manual' });
    const result = await job.waitUntilFinished(queueEvents, 120_000);
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(result.proxies_discovered / seconds);
    console.log(
      `${label.padEnd(12)} ${seconds.toFixed(2)} s total (job ${(result.duration_ms / 1000).toFixed(2)} s)  ${rate.toLocaleString('en')} proxies/s  ` +
        `discovered=${result.proxies_discovered} new=${result.proxies_new} updated=${result.proxies_updated}  ${seconds <= TARGET_SECONDS ? 'OK' : 'OVER TARGET'}`,
    );
  }
  // The database's own floor on this machine right now: one plain INSERT of as many fresh rows (no conflict
  // handling, no links, no queue), to read the figures above against when the machine is busy.
  const started = performance.now();
  await db.$executeRaw`INSERT INTO proxies (id, ip, port, protocol)
    SELECT uuid_v7(), ('127.' || (200 + i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256))::inet, 1024 + i % 60000, 'http'
    FROM generate_series(0, ${LINES - 1}::int) AS i`;
  const floor = (performance.now() - started) / 1000;
  console.log(`db floor     ${floor.toFixed(2)} s for one plain INSERT of ${LINES.toLocaleString('en')} rows (load average now ${loadavg()[0]!.toFixed(2)})`);
} finally {
  await queueEvents.close();
  eventsConnection.disconnect();
  await clearKeys(running.scraper.redis, prefix);
  await running.stop();
  await server.close();
  await database.drop();
}
