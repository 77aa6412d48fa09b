import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';
import { insertProxies } from './seed.js';

let api: TestApi;
beforeAll(() => {
  api = startTestApi({ CREDITS_LOW_THRESHOLD: '2' });
});
afterAll(async () => {
  await api.close();
});

async function raisedEvents(): Promise<Array<{ type: string; user_id: string | null; data: Record<string, unknown> }>> {
  // The API only publishes; nothing consumes the events queue in this test, so raised events wait there.
  for (let i = 0; i < 50; i += 1) {
    const jobs = await api.ctx.queues.events.getJobs(['waiting', 'prioritized', 'delayed']);
    if (jobs.length > 0) return jobs.map((job) => job.data);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [];
}

describe('credit events', () => {
  it('raises credits.low on the crossing, then credits.depleted, and the /stats/plugins notifier list stays valid', async () => {
    const user = await createTestUser(api.ctx, { credits: 3 });
    // A country no other test uses, so these acquires only ever lease this test's proxies.
    await insertProxies(
      api.ctx,
      [1, 2, 3].map(() => ({ status: 'active' as const, country: 'QC' })),
    );
    const acquire = () => api.request.post('/proxies/acquire').set(user.auth).send({ country: 'QC' });

    expect((await acquire()).status).toBe(200); // 3 -> 2: not below the threshold of 2
    expect(await api.ctx.queues.events.count()).toBe(0);
    expect((await acquire()).status).toBe(200); // 2 -> 1: crosses below 2
    expect((await acquire()).status).toBe(200); // 1 -> 0: depleted
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = await raisedEvents();
    expect(events.map((e) => e.type).sort()).toEqual(['credits.depleted', 'credits.low']);
    expect(events.every((e) => e.user_id === user.userId)).toBe(true);
    expect(events.find((e) => e.type === 'credits.low')?.data).toEqual({ balance: 1, threshold: 2 });

    const plugins = await api.request.get('/stats/plugins').set(user.auth);
    expect(plugins.status).toBe(200);
    expect(plugins.body.notifiers).toEqual([]);
  });
});
