import type { Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

/** Jobs completed/failed and their duration, by queue, for the workers of one process. */
export function observeWorkerJobs(registry: Registry, workers: Worker[]): void {
  const completed = new Counter({ name: 'jobs_completed_total', help: 'Jobs completed, by queue', labelNames: ['queue'], registers: [registry] });
  const failed = new Counter({ name: 'jobs_failed_total', help: 'Jobs failed (each failed attempt), by queue', labelNames: ['queue'], registers: [registry] });
  const duration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Processing time of finished jobs, by queue',
    labelNames: ['queue'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  for (const worker of workers) {
    const queue = worker.name;
    worker.on('completed', (job) => {
      completed.inc({ queue });
      if (job.processedOn && job.finishedOn) duration.observe({ queue }, (job.finishedOn - job.processedOn) / 1000);
    });
    worker.on('failed', () => failed.inc({ queue }));
  }
}

/** Queue depth by state, read from Redis when /metrics is scraped. */
export function observeQueueDepth(registry: Registry, queues: Queue[]): void {
  new Gauge({
    name: 'queue_jobs',
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
}
