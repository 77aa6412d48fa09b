import { afterEach, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { EventLoopAdmission } from '../src/admission.js';
import { registerAdmissionMetrics } from '../src/metrics.js';
import { Semaphore } from '../src/semaphore.js';

const THRESHOLD_MS = 50;
const STALL_MS = 300;

let admission: EventLoopAdmission | undefined;

afterEach(() => admission?.stop());

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The event loop is blocked, as by the callbacks of thousands of validations in flight.
  }
}

const nextTimers = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * One task holds a slot; then the event loop is blocked STALL_MS and, at the end of that stall, 20 tasks ask for a
 * slot. Returns how long after asking each started.
 */
async function startDelaysAfterStall(semaphore: Semaphore): Promise<number[]> {
  let releaseHolder: () => void = () => undefined;
  const holder = semaphore.run(() => new Promise<void>((resolve) => (releaseHolder = resolve)));
  await nextTimers();
  const delays: Promise<number>[] = [];
  busyWait(STALL_MS);
  const asked = performance.now();
  for (let task = 0; task < 20; task += 1) delays.push(semaphore.run(async () => performance.now() - asked));
  const started = await Promise.all(delays);
  releaseHolder();
  await holder;
  return started;
}

describe('admission by event-loop delay', () => {
  it('holds new validations back while the event loop runs behind, and shows the pause in the metrics', async () => {
    admission = new EventLoopAdmission({ thresholdMs: THRESHOLD_MS, minimumLimit: 1_000 });
    admission.start();
    const registry = new Registry();
    registerAdmissionMetrics(registry, admission);
    const semaphore = new Semaphore(100, admission);

    const delays = await startDelaysAfterStall(semaphore);

    // None started within the stall's turn of the event loop: each waited until a sample saw the loop keep up.
    expect(Math.min(...delays)).toBeGreaterThan(10);
    const metrics = await registry.getMetricsAsJSON();
    const value = (suffix: string) =>
      Number(metrics.find((metric) => metric.name.endsWith(suffix))?.values[0]?.value ?? Number.NaN);
    expect(value('checker_admission_pauses_total')).toBeGreaterThanOrEqual(1);
    expect(value('checker_admission_paused_seconds_total')).toBeGreaterThan(0);
    expect(value('checker_event_loop_delay_seconds')).toBeLessThan(THRESHOLD_MS / 1000);
  });

  it('without admission, the same tasks start at once, inside the stall (what the admission prevents)', async () => {
    const delays = await startDelaysAfterStall(new Semaphore(100));
    expect(Math.max(...delays)).toBeLessThan(10);
  });

  it('lets a task run when none is in flight, however far behind the event loop is', async () => {
    admission = new EventLoopAdmission({ thresholdMs: THRESHOLD_MS });
    admission.start();
    const semaphore = new Semaphore(100, admission);
    await nextTimers();
    busyWait(STALL_MS);
    await expect(semaphore.run(async () => 'ran')).resolves.toBe('ran');
  });

  it('allows few validations in flight after the loop fell behind, and more as it keeps up with the limit reached', async () => {
    admission = new EventLoopAdmission({ thresholdMs: THRESHOLD_MS, minimumLimit: 10 });
    admission.start();
    const semaphore = new Semaphore(1_000, admission);
    const release: Array<() => void> = [];
    const tasks = Array.from({ length: 1_000 }, () =>
      semaphore.run(() => new Promise<void>((resolve) => release.push(resolve))),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A surge is let in step by step, not all at once before the first stall could show.
    expect(semaphore.inFlight).toBeLessThan(100);
    // From 10, +10 % (and 1) per 20 ms sample reaches 1,000 in ~0.8 s on an idle machine; a busy one delays the
    // sampler (and a late sample backs off), so the growth gets up to 5 s.
    for (const deadline = performance.now() + 5_000; semaphore.inFlight < 1_000 && performance.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(semaphore.inFlight).toBe(1_000);
    const grown = admission.limit;
    busyWait(STALL_MS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(admission.limit).toBeLessThan(grown);
    for (const resolve of release) resolve();
    await Promise.all(tasks);
  });
});
