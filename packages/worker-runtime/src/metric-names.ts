import { collectDefaultMetrics, type Registry } from 'prom-client';

/** Every series of every process starts with this, so one deployment's metrics never clash with another program's. */
export const METRIC_PREFIX = 'proxypool_';

/** Node's process metrics (CPU, memory, event-loop lag, handles), under the prefix too. */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
}
