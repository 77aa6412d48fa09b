export { maintenanceSettingsShape, type MaintenanceSettings } from './settings.js';
export {
  defineMaintenanceTask,
  type MaintenanceDeps,
  type MaintenanceResult,
  type MaintenanceTaskDefinition,
} from './define-task.js';
export {
  createMaintenanceRegistry,
  maintenanceSchedulerId,
  MaintenanceRegistryError,
  type MaintenanceProcessor,
  type MaintenanceRegistry,
} from './registry.js';
export { MAINTENANCE_TASKS } from './tasks/index.js';
export { dueJobId, enqueueDueProxies, type EnqueueDueDeps, type EnqueueDueSettings } from './tasks/enqueue-due.task.js';
