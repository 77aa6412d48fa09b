import type { Job, Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metric-names.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

/** Jobs completed/failed/stalled and their duration, by queue, for the workers of one process. */
export function observeWorkerJobs(registry: Registry, workers: Worker[]): void {
  const registers = [registry];
  const completed = new Counter({
    name: `${METRIC_PREFIX}jobs_completed_total`,
    help: 'Jobs completed, by queue',
    labelNames: ['queue'],
    registers,
  });
  const failed = new Counter({
    name: `${METRIC_PREFIX}jobs_failed_total`,
    help: 'Jobs failed (each failed attempt), by queue',
    labelNames: ['queue'],
    registers,
  });
  const stalled = new Counter({
    name: `${METRIC_PREFIX}jobs_stalled_total`,
    help: 'Jobs whose lock expired while active (a worker died or blocked its event loop), handed back, by queue',
    labelNames: ['queue'],
    registers,
  });
  const duration = new Histogram({
    name: `${METRIC_PREFIX}job_duration_seconds`,
    help: 'Processing time of finished jobs, by queue',
    labelNames: ['queue'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers,
  });
  for (const worker of workers) {
    const queue = worker.name;
    // Zero series from the start: a rate() over a series that appears only at its first event misses that event.
    for (const counter of [completed, failed, stalled]) counter.inc({ queue }, 0);
    worker.on('completed', (job) => {
      completed.inc({ queue });
      if (job.processedOn && job.finishedOn) duration.observe({ queue }, (job.finishedOn - job.processedOn) / 1000);
    });
    worker.on('failed', () => failed.inc({ queue }));
    worker.on('stalled', () => stalled.inc({ queue }));
  }
}

/** When a waiting job became runnable: its creation, or the end of its delay. */
function runnableSince(job: Job): number {
  return job.timestamp + (job.delay ?? 0);
}

/** Seconds the oldest waiting job of `queue` has waited (0 when none waits). */
async function oldestWaitingAge(queue: Queue, now: number): Promise<number> {
  // BullMQ takes jobs from the far end of the wait list: ascending order starts with the next (oldest) one.
  const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
  return oldest ? Math.max(0, (now - runnableSince(oldest)) / 1000) : 0;
}

/** Queue depth by state and the age of each queue's oldest waiting job, read from Redis when /metrics is scraped. */
export function observeQueueDepth(registry: Registry, queues: Queue[]): void {
  new Gauge({
    name: `${METRIC_PREFIX}queue_jobs`,
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of queues) {
        const counts = await queue.getJobCounts(...JOB_STATES).catch(() => null);
        for (const state of JOB_STATES) if (counts) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}queue_oldest_waiting_seconds`,
    help: 'Age of the oldest job waiting in each queue (0 when none waits): a backlog that keeps growing',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      for (const queue of queues) {
        const age = await oldestWaitingAge(queue, now).catch(() => null);
        if (age !== null) this.set({ queue: queue.name }, age);
      }
    },
  });
}
