import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { observeQueueDepth, observeWorkerJobs } from '../src/index.js';

const connection = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', maxRetriesPerRequest: null };
const prefix = `wr${randomUUID().slice(0, 8)}`;
const closing: Array<{ close(): Promise<unknown> }> = [];
afterAll(async () => {
  for (const item of closing.reverse()) await item.close();
  const queue = new Queue('stall', { connection, prefix });
  await queue.obliterate({ force: true });
  await queue.close();
});

async function sampleOf(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = (metric?.values as Array<{ labels: Record<string, string | number>; value: number }> | undefined)?.find(
    (v) => Object.entries(labels).every(([key, wanted]) => String(v.labels[key]) === wanted),
  );
  return value?.value;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('worker job metrics', () => {
  it('count a job whose worker died while it was active as stalled, once another worker hands it back', async () => {
    const queue = new Queue('stall', { connection, prefix });
    closing.push(queue);
    const registry = new Registry();
    observeQueueDepth(registry, [queue]);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // The first worker takes the job and never finishes it; then it dies without releasing it (no lock renewal).
    // (Its stall-check interval stays short too: a check takes a key that keeps other workers' checks away that long.)
    const doomed = new Worker(
      'stall',
      () => {
        started();
        return new Promise(() => undefined);
      },
      { connection, prefix, lockDuration: 1_000, stalledInterval: 500 },
    );
    await queue.add('job', { n: 1 });
    await running;
    await doomed.close(true);
    const survivor = new Worker('stall', async () => 'done', {
      connection,
      prefix,
      lockDuration: 1_000,
      stalledInterval: 500,
    });
    closing.push(survivor);
    observeWorkerJobs(registry, [survivor]);
    expect(await sampleOf(registry, 'proxypool_jobs_stalled_total', { queue: 'stall' })).toBe(0);
    await until(
      async () => (await sampleOf(registry, 'proxypool_jobs_stalled_total', { queue: 'stall' })) === 1,
      15_000,
    );
    await until(
      async () => (await sampleOf(registry, 'proxypool_jobs_completed_total', { queue: 'stall' })) === 1,
      15_000,
    );
    expect(await sampleOf(registry, 'proxypool_jobs_failed_total', { queue: 'stall' })).toBe(0);
    expect(await sampleOf(registry, 'proxypool_queue_oldest_waiting_seconds', { queue: 'stall' })).toBe(0);
  }, 30_000);
});
