export { spawnReadyChild } from './ready-child.js';
export type { ReadyChild } from './ready-child.js';
export { throwawayDatabase } from './throwaway-database.js';
export type { ThrowawayDatabase } from './throwaway-database.js';
export { machineLine, median, peakRssMiB, processCpuSeconds, machineCpuSeconds } from './figures.js';
export { benchWorkerEnv } from './worker-env.js';
