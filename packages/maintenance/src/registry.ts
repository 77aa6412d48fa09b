import {
  MAINTENANCE_TASK_NAMES,
  type ExpectedScheduler,
  type MaintenanceTaskName,
  type SchedulerSet,
  type TypedQueue,
} from '@proxy-pool/queues';
import type { MaintenanceDeps, MaintenanceResult, MaintenanceTaskDefinition } from './define-task.js';
import type { MaintenanceSettings } from './settings.js';
import { MAINTENANCE_TASKS } from './tasks/index.js';

export type MaintenanceProcessor = () => Promise<MaintenanceResult>;

/** A task list that does not match the maintenance queue's task names one to one. */
export class MaintenanceRegistryError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`maintenance tasks do not match the maintenance queue: ${problems.join('; ')}`);
    this.name = 'MaintenanceRegistryError';
  }
}

export interface MaintenanceRegistry {
  readonly tasks: readonly MaintenanceTaskDefinition[];
  /** Each task's scheduler id: fixed, so every replica upserting it at start-up never creates two. */
  readonly schedulerIds: Readonly<Record<MaintenanceTaskName, string>>;
  /** The job handlers, keyed by the job's `task`. */
  processors(deps: MaintenanceDeps): Record<MaintenanceTaskName, MaintenanceProcessor>;
  /** One scheduler per task, repeating at the task's interval. */
  schedulers(settings: MaintenanceSettings): ExpectedScheduler[];
  /** The maintenance queue's schedulers as one set the scheduler keeper reconciles (it owns exactly these ids). */
  schedulerSet(queue: TypedQueue<'maintenance'>, settings: MaintenanceSettings): SchedulerSet;
}

export const maintenanceSchedulerId = (task: MaintenanceTaskName): string => `maintenance:${task}`;

function problemsOf(definitions: readonly MaintenanceTaskDefinition[], names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const definition of definitions) counts.set(definition.name, (counts.get(definition.name) ?? 0) + 1);
  const problems: string[] = [];
  for (const name of names) if (!counts.has(name)) problems.push(`no handler for task "${name}"`);
  for (const [name, count] of counts) {
    if (!names.includes(name)) problems.push(`task "${name}" is not a maintenance queue task`);
    if (count > 1) problems.push(`task "${name}" is defined ${count} times`);
  }
  return problems;
}

/**
 * Checks the task definitions against the queue's task names and derives the handlers and schedulers from
 * them. Refuses (throws `MaintenanceRegistryError`) when a task name has no definition, two definitions share
 * a name, or a definition names no queue task: such a worker would fail or misroute jobs at run time, so it
 * must not start.
 */
export function createMaintenanceRegistry(
  definitions: readonly MaintenanceTaskDefinition[] = MAINTENANCE_TASKS,
  names: readonly string[] = MAINTENANCE_TASK_NAMES,
): MaintenanceRegistry {
  const problems = problemsOf(definitions, names);
  if (problems.length > 0) throw new MaintenanceRegistryError(problems);
  const tasks = [...definitions];
  const byName = <T>(value: (definition: MaintenanceTaskDefinition) => T) =>
    Object.fromEntries(tasks.map((definition) => [definition.name, value(definition)])) as Record<
      MaintenanceTaskName,
      T
    >;
  const schedulers = (settings: MaintenanceSettings): ExpectedScheduler[] =>
    tasks.map((definition) => ({
      id: maintenanceSchedulerId(definition.name),
      repeat: { every: definition.every(settings) },
      template: { name: 'maintenance', data: { task: definition.name } },
    }));
  const schedulerIds = byName((definition) => maintenanceSchedulerId(definition.name));
  const owned = new Set(Object.values(schedulerIds));
  return {
    tasks,
    schedulerIds,
    processors: (deps) => byName((definition) => () => definition.run(deps)),
    schedulers,
    schedulerSet: (queue, settings) => ({
      name: 'maintenance schedules',
      queue,
      expected: async () => schedulers(settings),
      owns: (id) => owned.has(id),
    }),
  };
}
