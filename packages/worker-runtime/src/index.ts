export { startHealthServer, type HealthChecks, type Readiness } from './health-server.js';
export { Heartbeat } from './heartbeat.js';
export { installShutdown, type ShutdownOptions } from './shutdown.js';
export { collectProcessMetrics, METRIC_PREFIX } from './metric-names.js';
export { observeQueueDepth, observeWorkerJobs } from './queue-metrics.js';
export { listen, PortUnavailableError } from './listen.js';
export { startWorkerHealth, type WorkerHealth, type WorkerHealthOptions } from './worker-health.js';
