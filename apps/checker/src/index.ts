export { checkerConfigSchema, loadCheckerConfig, type CheckerConfig } from './config.js';
export { builtinCheckerList, openChecker, type CheckerApp, type CheckerOptions } from './checker.js';
export { startChecker, type RunningChecker } from './main.js';
export {
  createPipeline,
  type CheckRecord,
  type Pipeline,
  type PipelineOptions,
  type ValidationResult,
} from './pipeline.js';
export { Semaphore } from './semaphore.js';
export { effectiveConcurrency, openFileLimit } from './fd-limit.js';
export * from './proxy-state.js';
export { privateProxyRefusal, type AddressRefusal } from './proxy-address-policy.js';
export { privateJudgeProblem } from './public-judge.js';
