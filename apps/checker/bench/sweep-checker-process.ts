/**
 * The sweep's checker in a process of its own, so the memory, descriptors and CPU measured are one checker
 * process's and nothing else's (not the bench's rows, its queue client or the throughput runs' leftovers): the
 * real checker (startChecker: queue worker, database writes) with the first BENCH_STAGES (2) stages, set up by
 * its environment. Prints `READY {}`; to each `FIGURES` line on stdin it answers `FIGURES <json>` with the most
 * validations in flight, the peak resident set and the event-loop delay since the previous answer, then starts
 * the next window. Runs until its stdin closes. Loopback only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createLogger } from '@proxy-pool/logger';
import { builtinCheckerList } from '../src/checker.js';
import { loadCheckerConfig } from '../src/config.js';
import { startChecker } from '../src/main.js';

export interface CheckerWindow {
  maxInFlight: number;
  limit: number;
  /** Peak resident set since the window started (VmHWM, reset at each window), and now (MiB). */
  peakRssMiB: number;
  rssMiB: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const stages = Number(process.env.BENCH_STAGES ?? 2);
const config = loadCheckerConfig(process.env);
const logger = createLogger({ service: 'sweep-checker', level: 'warn' });
const running = await startChecker(process.env, {
  logger,
  checkers: async (ownIps) => (await builtinCheckerList(config, ownIps)).slice(0, stages),
});
await running.checker.validating;

const statusMiB = (field: 'VmHWM' | 'VmRSS'): number =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
let loopDelay = monitorEventLoopDelay({ resolution: 10 });
const startWindow = (): void => {
  running.checker.semaphore.resetPeak();
  // Writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one (Linux).
  writeFileSync('/proc/self/clear_refs', '5');
  loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
};
startWindow();
process.stdout.write('READY {}\n');

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'FIGURES') return;
  loopDelay.disable();
  const figures: CheckerWindow = {
    maxInFlight: running.checker.semaphore.maxInFlight,
    limit: running.checker.semaphore.limit,
    peakRssMiB: statusMiB('VmHWM'),
    rssMiB: statusMiB('VmRSS'),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
  process.stdout.write(`FIGURES ${JSON.stringify(figures)}\n`);
  startWindow();
});

const stop = async () => {
  await running.stop();
  process.exit(0);
};
process.stdin.once('end', () => void stop());
