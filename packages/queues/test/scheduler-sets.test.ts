import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  createQueue,
  createRedis,
  reconcileSchedulerSet,
  driftedSchedulers,
  type ExpectedScheduler,
  type SchedulerSet,
} from '../src/index.js';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
const prefix = `test-${randomUUID()}`;
const queue = createQueue('maintenance', { connection: redis, prefix });

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
});

describe('reconciling a scheduler set', () => {
  it('upserts only what is missing or different, removes its own unwanted ones and leaves others alone', async () => {
    let wanted: ExpectedScheduler[] = [
      {
        id: 'mine:every',
        repeat: { every: 3_600_000 },
        template: { name: 'maintenance', data: { task: 'prune-checks' } },
      },
      {
        id: 'mine:cron',
        repeat: { pattern: '0 3 * * *', tz: 'UTC' },
        template: { name: 'maintenance', data: { task: 'delete-dead' } },
      },
    ];
    const set: SchedulerSet = {
      name: 'test',
      queue: queue as unknown as SchedulerSet['queue'],
      expected: async () => wanted,
      owns: (id) => id.startsWith('mine:'),
    };
    await queue.upsertJobScheduler(
      'theirs',
      { every: 3_600_000 },
      { name: 'maintenance', data: { task: 'pool-watch' } },
    );
    await queue.upsertJobScheduler(
      'mine:stale',
      { every: 3_600_000 },
      { name: 'maintenance', data: { task: 'pool-watch' } },
    );

    expect(await driftedSchedulers(set)).toEqual(['mine:every', 'mine:cron']);
    expect(await reconcileSchedulerSet(set)).toMatchObject({ upserted: 2, unchanged: 0, removed: 1 });
    const keys = async () => (await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort();
    expect(await keys()).toEqual(['mine:cron', 'mine:every', 'theirs']);

    const nextRun = (await queue.getJobScheduler('mine:cron'))?.next;
    expect(await reconcileSchedulerSet(set)).toMatchObject({ upserted: 0, unchanged: 2, removed: 0 });
    expect((await queue.getJobScheduler('mine:cron'))?.next).toBe(nextRun);
    expect(await driftedSchedulers(set)).toEqual([]);

    wanted = [wanted[0]!, { ...wanted[1]!, repeat: { pattern: '0 4 * * *', tz: 'UTC' } }];
    expect(await driftedSchedulers(set)).toEqual(['mine:cron']);
    await queue.removeJobScheduler('mine:every');
    expect(await reconcileSchedulerSet(set)).toMatchObject({ upserted: 2, unchanged: 0, removed: 0 });
    expect((await queue.getJobScheduler('mine:cron'))?.pattern).toBe('0 4 * * *');
    expect(await keys()).toEqual(['mine:cron', 'mine:every', 'theirs']);
  });
});
