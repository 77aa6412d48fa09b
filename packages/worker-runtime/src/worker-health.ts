import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import { startHealthServer, type HealthChecks } from './health-server.js';
import { Heartbeat } from './heartbeat.js';

export interface WorkerHealthOptions {
  /** Off in a process whose other listener already answers for it (`npm start`: the API's /health). */
  enabled: boolean;
  port: number;
  host: string;
  /** Each finished job counts as a sign of life for /healthz. */
  workers: Worker[];
  isReady: HealthChecks['isReady'];
  registry: Registry;
}

export interface WorkerHealth {
  /** The health port, or undefined when the health server is off. */
  port: number | undefined;
  close(): Promise<void>;
}

/** A worker role's health port: /healthz from job activity, /readyz from the role, /metrics from its registry. */
export async function startWorkerHealth(options: WorkerHealthOptions): Promise<WorkerHealth> {
  if (!options.enabled) return { port: undefined, close: async () => undefined };
  const heartbeat = new Heartbeat();
  for (const worker of options.workers) {
    worker.on('completed', () => heartbeat.beat());
    worker.on('failed', () => heartbeat.beat());
  }
  const server = await startHealthServer(
    options.port,
    {
      isLive: () => heartbeat.isLive(),
      isReady: options.isReady,
      metrics: async () => ({ contentType: options.registry.contentType, body: await options.registry.metrics() }),
    },
    options.host,
  ).catch((error: unknown) => {
    heartbeat.stop();
    throw error;
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      heartbeat.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
