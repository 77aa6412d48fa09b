import { describe, expect, it } from '@jest/globals';
import { loadConfig, z } from '@proxy-pool/config';
import { MAINTENANCE_TASK_NAMES, QUEUES } from '@proxy-pool/queues';
import {
  createMaintenanceRegistry,
  defineMaintenanceTask,
  MAINTENANCE_TASKS,
  maintenanceSettingsShape,
  MaintenanceRegistryError,
  type MaintenanceTaskDefinition,
} from '../src/index.js';

const settings = loadConfig(z.object(maintenanceSettingsShape), {
  ENQUEUE_DUE_EVERY_SECONDS: '20',
  POOL_WATCH_EVERY_SECONDS: '45',
});
const task = (name: MaintenanceTaskDefinition['name']) =>
  MAINTENANCE_TASKS.find((definition) => definition.name === name)!;

function refusal(definitions: readonly MaintenanceTaskDefinition[]): MaintenanceRegistryError {
  try {
    createMaintenanceRegistry(definitions);
  } catch (error) {
    if (error instanceof MaintenanceRegistryError) return error;
    throw error;
  }
  throw new Error('the registry started');
}

describe('the maintenance registry', () => {
  it('refuses to start when a task of the maintenance queue has no handler', () => {
    const error = refusal(MAINTENANCE_TASKS.filter((definition) => definition.name !== 'sweep-leases'));
    expect(error.problems).toEqual(['no handler for task "sweep-leases"']);
  });

  it('refuses to start when two definitions claim the same task', () => {
    const second = defineMaintenanceTask({ name: 'pool-watch', every: () => 1000, run: async () => ({ affected: 0 }) });
    const error = refusal([...MAINTENANCE_TASKS, second]);
    expect(error.problems).toEqual(['task "pool-watch" is defined 2 times']);
    expect(error.message).toContain('pool-watch');
  });

  it('refuses a definition whose name the maintenance queue does not know', () => {
    const stray = {
      name: 'vacuum',
      every: () => 1000,
      run: async () => ({ affected: 0 }),
    } as unknown as MaintenanceTaskDefinition;
    expect(refusal([...MAINTENANCE_TASKS, stray]).problems).toEqual(['task "vacuum" is not a maintenance queue task']);
  });

  it('starts with the built-in tasks: one handler per task name the queue accepts', () => {
    const registry = createMaintenanceRegistry();
    expect(registry.tasks.map((definition) => definition.name).sort()).toEqual([...MAINTENANCE_TASK_NAMES].sort());
    for (const name of MAINTENANCE_TASK_NAMES)
      expect(QUEUES.maintenance.payload.parse({ task: name })).toEqual({ task: name });
    expect(QUEUES.maintenance.payload.safeParse({ task: 'vacuum' }).success).toBe(false);
  });

  it('derives one scheduler per task: fixed id, the task in its job, the interval from the settings', () => {
    const registry = createMaintenanceRegistry();
    const schedulers = registry.schedulers(settings);
    expect(schedulers.map((scheduler) => scheduler.id).sort()).toEqual(
      MAINTENANCE_TASK_NAMES.map((name) => `maintenance:${name}`).sort(),
    );
    expect(schedulers.find((scheduler) => scheduler.id === 'maintenance:enqueue-due')).toEqual({
      id: 'maintenance:enqueue-due',
      repeat: { every: 20_000 },
      template: { name: 'maintenance', data: { task: 'enqueue-due' } },
    });
    expect(schedulers.find((scheduler) => scheduler.id === registry.schedulerIds['pool-watch'])?.repeat).toEqual({
      every: 45_000,
    });
    expect(schedulers.find((scheduler) => scheduler.id === registry.schedulerIds['prune-checks'])?.repeat).toEqual({
      every: task('prune-checks').every(settings),
    });
  });

  it('owns exactly its schedulers in the maintenance queue, so a reconcile leaves other schedulers alone', () => {
    const set = createMaintenanceRegistry().schedulerSet({} as never, settings);
    expect(set.owns('maintenance:delete-dead')).toBe(true);
    expect(set.owns('maintenance:retired-task')).toBe(false);
    expect(set.owns('source:3f1c')).toBe(false);
  });

  it('routes each job to its own task', async () => {
    const ran: string[] = [];
    const definitions = MAINTENANCE_TASK_NAMES.map((name, index) =>
      defineMaintenanceTask({
        name,
        every: () => 1000,
        run: async () => {
          ran.push(name);
          return { affected: index };
        },
      }),
    );
    const processors = createMaintenanceRegistry(definitions).processors({} as never);
    expect(await processors['delete-dead']()).toEqual({ affected: MAINTENANCE_TASK_NAMES.indexOf('delete-dead') });
    expect(ran).toEqual(['delete-dead']);
  });
});
