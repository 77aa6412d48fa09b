import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Database } from '@proxy-pool/db';
import { enqueueDueProxies } from '@proxy-pool/maintenance';
import type { TypedQueue } from '@proxy-pool/queues';
import { processCpuSeconds } from '@proxy-pool/test-kit/bench';
import type { Semaphore } from '../src/semaphore.js';
import { insertProxies, waitForQueueIdle } from './bench-data.js';

export interface SweepRow {
  host: string;
  port: number;
  protocol: string;
}

export interface SweepFigures {
  queued: number;
  wallSeconds: number;
  cpuMsPerValidation: number;
  maxInFlight: number;
  maxDescriptors: number;
  /** Resident set size of this process when the sweep started, and its peak so far (MiB). */
  rssAtStartMiB: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  statuses: string;
  /** CPU seconds each helper process (the fake proxies, the judge) used during the sweep. */
  helperCpu: string;
}

/**
 * One sweep as production runs it: every row due now, `enqueue-due` claims them all into validate jobs of 500,
 * the checker's worker validates them; timed until the queue is idle. Starts from an empty proxies table.
 */
export async function sweepOnce(
  db: Database,
  validateQueue: TypedQueue<'validate'>,
  semaphore: Semaphore,
  rows: readonly SweepRow[],
  helpers: ReadonlyArray<{ role: string; pid: number }>,
): Promise<SweepFigures> {
  await db.$executeRaw`DELETE FROM proxies`;
  await insertProxies(db, rows, 'now');
  const rssAtStartMiB = process.memoryUsage.rss() / 2 ** 20;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let maxDescriptors = 0;
  const descriptors = setInterval(
    () => (maxDescriptors = Math.max(maxDescriptors, readdirSync('/proc/self/fd').length)),
    100,
  );
  semaphore.resetPeak();
  const helperCpuBefore = helpers.map((helper) => processCpuSeconds(helper.pid));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const queued = await enqueueDueProxies(
    { db, validateQueue },
    { limit: rows.length, batchSize: 500, leaseSeconds: 300 },
  );
  await waitForQueueIdle(validateQueue);
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const helperCpu = helpers
    .map((helper, index) => `${helper.role} ${(processCpuSeconds(helper.pid) - helperCpuBefore[index]!).toFixed(1)} s`)
    .join(', ');
  clearInterval(descriptors);
  loopDelay.disable();
  const counts = await db.proxy.groupBy({ by: ['status'], _count: true });
  return {
    queued,
    wallSeconds,
    cpuMsPerValidation: (used.user + used.system) / 1000 / rows.length,
    maxInFlight: semaphore.maxInFlight,
    maxDescriptors,
    rssAtStartMiB,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    statuses: counts.map((row) => `${row.status}=${row._count}`).join(' '),
    helperCpu,
  };
}
