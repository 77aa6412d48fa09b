import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from '@proxy-pool/db';
import { enqueueDueProxies } from '@proxy-pool/maintenance';
import type { TypedQueue } from '@proxy-pool/queues';
import { machineCpuSeconds, processCpuSeconds, spawnReadyChild } from '@proxy-pool/test-kit/bench';
import { insertProxies, waitForQueueIdle } from './bench-data.js';
import type { CheckerWindow } from './sweep-checker-process.js';

export interface SweepRow {
  host: string;
  port: number;
  protocol: string;
}

/** The checker process of the sweep (sweep-checker-process.ts): its pid, and its figures since the last call. */
export interface SweepChecker {
  pid: number;
  window(): Promise<CheckerWindow>;
  stop(): Promise<void>;
}

export interface SweepFigures extends CheckerWindow {
  queued: number;
  wallSeconds: number;
  cpuMsPerValidation: number;
  maxDescriptors: number;
  /** The checker's resident set when the sweep started (MiB). */
  rssAtStartMiB: number;
  statuses: string;
  /** CPU seconds each helper process (the fake proxies, the judge) used during the sweep. */
  helperCpu: string;
  /** How busy the whole machine was during the sweep (every process, PostgreSQL and the kernel included). */
  machineBusy: string;
  /** Connections the machine's listeners dropped for a full accept queue during the sweep (TcpExt ListenOverflows). */
  listenOverflows: number;
}

export async function startSweepChecker(env: Record<string, string>): Promise<SweepChecker> {
  const script = fileURLToPath(new URL('./sweep-checker-process.ts', import.meta.url));
  const ready = await spawnReadyChild(script, env);
  const waiting: Array<(figures: CheckerWindow) => void> = [];
  let output = '';
  let partialLine = '';
  ready.child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    // The checker's own warnings and errors (a failed job, the database pool timing out) go to the bench's stderr.
    const lines = (partialLine + chunk.toString()).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) if (/"level":"(warn|error)"/.test(line)) process.stderr.write(`checker: ${line}\n`);
    for (let line = /FIGURES (.+)\n/.exec(output); line !== null; line = /FIGURES (.+)\n/.exec(output)) {
      output = output.slice(line.index + line[0].length);
      waiting.shift()?.(JSON.parse(line[1]!) as CheckerWindow);
    }
  });
  return {
    pid: ready.child.pid!,
    window: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        ready.child.stdin!.write('FIGURES\n');
      }),
    stop: ready.stop,
  };
}

/**
 * One sweep as production runs it: every row due now, `enqueue-due` claims them all into validate jobs of 500,
 * the checker process validates them; timed until the queue is idle. Starts from an empty proxies table.
 */
export async function sweepOnce(
  db: Database,
  validateQueue: TypedQueue<'validate'>,
  checker: SweepChecker,
  rows: readonly SweepRow[],
  helpers: ReadonlyArray<{ role: string; pid: number }>,
): Promise<SweepFigures> {
  await db.$executeRaw`DELETE FROM proxies`;
  await insertProxies(db, rows, 'now');
  const atStart = await checker.window();
  let maxDescriptors = 0;
  const descriptors = setInterval(
    () => (maxDescriptors = Math.max(maxDescriptors, readdirSync(`/proc/${checker.pid}/fd`).length)),
    100,
  );
  const helperCpuBefore = helpers.map((helper) => processCpuSeconds(helper.pid));
  const machineBefore = machineCpuSeconds();
  const cpuBefore = processCpuSeconds(checker.pid);
  const overflowsBefore = listenOverflows();
  const started = performance.now();
  const queued = await enqueueDueProxies(
    { db, validateQueue },
    { limit: rows.length, batchSize: 500, leaseSeconds: 300 },
  );
  await waitForQueueIdle(validateQueue);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = processCpuSeconds(checker.pid) - cpuBefore;
  const overflows = listenOverflows() - overflowsBefore;
  clearInterval(descriptors);
  const window = await checker.window();
  const helperCpu = helpers
    .map((helper, index) => `${helper.role} ${(processCpuSeconds(helper.pid) - helperCpuBefore[index]!).toFixed(1)} s`)
    .join(', ');
  const machineAfter = machineCpuSeconds();
  const machineBusy = machineAfter.busy - machineBefore.busy;
  const machineTotal = machineAfter.total - machineBefore.total;
  const counts = await db.proxy.groupBy({ by: ['status'], _count: true });
  return {
    ...window,
    queued,
    wallSeconds,
    cpuMsPerValidation: (cpuSeconds * 1000) / rows.length,
    maxDescriptors,
    rssAtStartMiB: atStart.rssMiB,
    statuses: counts.map((row) => `${row.status}=${row._count}`).join(' '),
    helperCpu,
    machineBusy: `${machineBusy.toFixed(0)} of ${machineTotal.toFixed(0)} core-seconds (${((machineBusy / machineTotal) * 100).toFixed(0)} %)`,
    listenOverflows: overflows,
  };
}

/** The most frequent failed-check details of the sweep's healthy proxies (those on `ports`). */
export function healthyFailures(db: Database, ports: number[]): Promise<Array<{ detail: string; n: number }>> {
  return db.$queryRaw`
    SELECT c.checker_name || ': ' || p.protocol || ': ' || regexp_replace(c.detail, '[0-9]+', 'N', 'g') AS detail, count(*)::int AS n
    FROM history.proxy_checks c JOIN proxies p ON p.id = c.proxy_id
    WHERE NOT c.passed AND p.port = ANY(${ports}::int[]) GROUP BY 1 ORDER BY n DESC LIMIT 3`;
}

/** The machine's count of connections dropped for a full accept queue so far (Linux, /proc/net/netstat). */
function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const names = lines.find((line) => line.startsWith('TcpExt:'))?.split(' ') ?? [];
  const values = lines.filter((line) => line.startsWith('TcpExt:'))[1]?.split(' ') ?? [];
  return Number(values[names.indexOf('ListenOverflows')] ?? 0);
}
