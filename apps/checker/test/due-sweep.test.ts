import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enqueueDueProxies } from '@proxy-pool/maintenance';
import { deadPort, startProxyFleet, type ProxyFleet } from '@proxy-pool/test-kit';
import { loadCheckerConfig } from '../src/config.js';
import type { RunningChecker } from '../src/main.js';
import { createCheckerWorld, eventually, type CheckerWorld } from './support/harness.js';

const HEALTHY = 40;
const DEAD = 60;

let world: CheckerWorld;
let fleet: ProxyFleet;
let checkers: RunningChecker[];
let ids: string[];

beforeAll(async () => {
  world = await createCheckerWorld({ DUE_BATCH_SIZE: '10', VALIDATE_JOB_CONCURRENCY: '2', CHECKER_CONCURRENCY: '16' });
  fleet = await startProxyFleet(HEALTHY, 'elite', { exitAddress: '127.0.0.9' });
  const dead = await Promise.all(Array.from({ length: DEAD }, () => deadPort()));
  ids = [];
  for (const proxy of fleet.proxies) ids.push(await world.addProxy({ port: proxy.port, protocol: 'http' }));
  for (const port of dead) ids.push(await world.addProxy({ ip: port.host, port: port.port, protocol: 'socks5' }));
  checkers = [await world.startChecker(), await world.startChecker()];
});

afterAll(async () => {
  await world?.close();
  await fleet?.close();
});

const sweep = async () => {
  const settings = loadCheckerConfig(world.env);
  const limits = {
    limit: settings.ENQUEUE_DUE_LIMIT,
    batchSize: settings.DUE_BATCH_SIZE,
    leaseSeconds: settings.CHECK_LEASE_SECONDS,
  };
  return { affected: await enqueueDueProxies({ db: world.db, validateQueue: world.validateQueue }, limits) };
};

/** Validations per proxy so far (`checks_total` counts each one). */
async function validationsPerProxy(): Promise<Map<string, number>> {
  const rows = await world.db.$queryRaw<Array<{ proxy_id: string; n: number }>>`
    SELECT id AS proxy_id, checks_total AS n FROM proxies`;
  return new Map(rows.map((row) => [row.proxy_id, row.n]));
}

async function waitForCycle(cycle: number): Promise<Map<string, number>> {
  return eventually(
    async () => {
      const counts = await validationsPerProxy();
      const done = ids.every((id) => (counts.get(id) ?? 0) >= cycle);
      const counts2 = done ? await world.db.proxy.count({ where: { lastCheckedAt: null } }) : 1;
      return done && counts2 === 0 ? counts : undefined;
    },
    30_000,
    `due cycle ${cycle}`,
  );
}

describe('the due sweep with two checkers on one validate queue', () => {
  it('validates every due proxy exactly once per cycle, whichever checker takes the job', async () => {
    // Two sweeps at once claim disjoint sets; a third finds nothing due.
    const [a, b] = await Promise.all([sweep(), sweep()]);
    expect(a.affected + b.affected).toBe(HEALTHY + DEAD);
    expect((await sweep()).affected).toBe(0);
    const queued = await world.validateQueue.getJobs(['waiting', 'active', 'completed']);
    expect(queued).toHaveLength(10);
    expect(queued.every((job) => job.data.proxy_ids.length === 10)).toBe(true);
    const first = await waitForCycle(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ids.map((id) => first.get(id))).toEqual(ids.map(() => 1));
    expect(await world.db.proxy.count({ where: { status: 'active' } })).toBe(HEALTHY);
    expect(await world.db.proxy.count({ where: { status: 'dead' } })).toBe(DEAD);
    const perChecker = await Promise.all(
      checkers.map(async (running) =>
        (await running.checker.metrics.validations.get()).values.reduce((sum, value) => sum + value.value, 0),
      ),
    );
    expect(perChecker.reduce((sum, n) => sum + n, 0)).toBe(HEALTHY + DEAD);
    expect(perChecker.every((n) => n > 0)).toBe(true);

    // Nothing is due again yet: validated proxies are scheduled minutes ahead.
    expect((await sweep()).affected).toBe(0);
    await world.db.$executeRaw`UPDATE proxies SET next_check_at = now()`;
    expect((await sweep()).affected).toBe(HEALTHY + DEAD);
    const second = await waitForCycle(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ids.map((id) => second.get(id) ?? 0)).toEqual(ids.map(() => 2));
  });

  it('queues due proxies as validate jobs of at most DUE_BATCH_SIZE ids, one job id per batch of a claim', async () => {
    await world.db.$executeRaw`UPDATE proxies SET next_check_at = now() + interval '1 hour'`;
    const [one, two, three] = ids;
    await world.db
      .$executeRaw`UPDATE proxies SET next_check_at = now() - interval '1 minute' WHERE id = ANY(${[one!, two!, three!]}::uuid[])`;
    await Promise.all(checkers.map((running) => running.checker.workers.validate.pause()));
    try {
      expect((await sweep()).affected).toBe(3);
      const waiting = await world.validateQueue.getWaiting();
      expect(waiting).toHaveLength(1);
      expect([...waiting[0]!.data.proxy_ids].sort()).toEqual([one, two, three].sort());
      expect(waiting[0]!.id).toMatch(/^due-[0-9a-f-]{36}-\d{13}$/);
      const leased = await world.db.proxy.findUniqueOrThrow({ where: { id: one! } });
      expect(leased.nextCheckAt.getTime()).toBeGreaterThan(Date.now() + 200_000);
    } finally {
      for (const running of checkers) running.checker.workers.validate.resume();
    }
  });
});
