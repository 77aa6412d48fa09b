export { maintenanceSettingsShape, type MaintenanceSettings } from './settings.js';
export { dueJobId, enqueueDueProxies, type EnqueueDueDeps, type EnqueueDueSettings } from './enqueue-due.js';
export {
  ensureMaintenanceSchedulers,
  MAINTENANCE_SCHEDULER_IDS,
  maintenanceProcessors,
  maintenanceSchedulers,
  type MaintenanceDeps,
  type MaintenanceProcessor,
  type MaintenanceTask,
} from './processors.js';
