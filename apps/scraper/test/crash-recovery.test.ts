import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, type Database } from '@proxy-pool/db';
import { createQueue, createRedis, enqueue, type TypedQueue, type RedisConnection } from '@proxy-pool/queues';
import { clearKeys, loopbackProxyLine, sourceListServer, type SourceListServer } from '@proxy-pool/test-kit';
import { eventually, testEnv } from './support.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LINES = 2_000;

const env = testEnv({ SCRAPE_LOCK_DURATION_MS: '2000', SCRAPE_STALLED_INTERVAL_MS: '1000', LOG_LEVEL: 'info' });
let lists: SourceListServer;
let db: Database;
let redis: RedisConnection;
let queue: TypedQueue<'scrape'>;
const children: ChildProcess[] = [];

/** `node --import tsx apps/scraper/src/main.ts`, resolved once it logs that it started. */
async function startChild(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/scraper/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"scraper started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`scraper exited with ${code}: ${output}`)));
  });
  return child;
}

beforeAll(async () => {
  const body = Array.from({ length: LINES }, (_, index) => loopbackProxyLine(800_000 + index)).join('');
  lists = await sourceListServer({ routes: { '/slow.txt': { body, delayMs: 4_000 } } });
  db = createDatabase({ url: env.DATABASE_URL! });
  redis = createRedis(env.REDIS_URL!, 'worker');
  queue = createQueue('scrape', { connection: redis, prefix: env.QUEUE_PREFIX! });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await queue?.close();
  await clearKeys(redis, env.QUEUE_PREFIX!);
  redis?.disconnect();
  await db?.$disconnect();
  await lists?.close();
});

describe('a scraper killed mid-scrape', () => {
  it('has its job taken over by the next scraper process, which completes it once', async () => {
    const source = await db.source.create({
      data: { url: lists.urlFor('/slow.txt'), parserName: 'plaintext', cronSchedule: '0 0 1 1 *' },
    });
    const doomed = await startChild();
    const job = await enqueue(queue, 'scrape', { source_id: source.id, trigger: 'manual' });
    await eventually(
      async () => ((lists.stats.hits['/slow.txt'] ?? 0) >= 1 ? true : undefined),
      30_000,
      'the first fetch',
    );
    expect(await job.getState()).toBe('active');
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));

    const survivor = await startChild();
    const state = await eventually(
      async () => {
        const current = await job.getState();
        return current === 'completed' || current === 'failed' ? current : undefined;
      },
      40_000,
      'the job to finish',
    );
    expect(state).toBe('completed');
    const finished = await queue.getJob(String(job.id));
    expect(finished?.returnvalue).toMatchObject({
      source_id: source.id,
      proxies_discovered: LINES,
      proxies_new: LINES,
      proxies_updated: 0,
    });
    expect(lists.stats.hits['/slow.txt']).toBe(2);

    const [rows] = await db.$queryRaw<Array<{ links: number; proxies: number }>>`
      SELECT count(*)::int AS links, count(DISTINCT ps.proxy_id)::int AS proxies FROM proxy_sources ps WHERE ps.source_id = ${source.id}::uuid`;
    expect(rows).toEqual({ links: LINES, proxies: LINES });
    const row = await db.source.findUniqueOrThrow({ where: { id: source.id } });
    expect(row).toMatchObject({ lastDiscovered: LINES, lastNew: LINES, consecutiveFailures: 0 });

    survivor.kill('SIGTERM');
    const exitCode = await new Promise((resolve) => survivor.once('exit', resolve));
    expect(exitCode).toBe(0);
  }, 90_000);
});
