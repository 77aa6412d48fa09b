import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { blackHole, deadPort, forwardProxy, type BlackHole, type ForwardProxy } from '@proxy-pool/test-kit';
import { createCheckerWorld, eventually, type CheckerWorld } from './support/harness.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let world: CheckerWorld;
let holes: BlackHole[];
let healthy: ForwardProxy[];
const children: ChildProcess[] = [];

beforeAll(async () => {
  world = await createCheckerWorld({
    CONNECT_TIMEOUT_MS: '1000',
    VALIDATE_LOCK_DURATION_MS: '2000',
    VALIDATE_STALLED_INTERVAL_MS: '1000',
  });
  holes = await Promise.all(Array.from({ length: 4 }, () => blackHole()));
  healthy = await Promise.all(
    Array.from({ length: 3 }, () => forwardProxy({ kind: 'elite', exitAddress: '127.0.0.9' })),
  );
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await world?.close();
  await Promise.all([...holes, ...healthy].map((server) => server.close()));
});

/** A checker process on the world's database and queues, resolved once its validate worker runs. */
async function startChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/checker/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...world.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () => (output.includes('"validate worker running"') ? true : undefined),
    30_000,
    `the checker to start: ${output}`,
  );
  return child;
}

describe('kill -9 of a checker in the middle of a sweep', () => {
  it('loses no job: another checker takes the stalled job over and every proxy ends checked, once complete', async () => {
    const stuck = await Promise.all(holes.map((hole) => world.addProxy({ port: hole.port, protocol: 'http' })));
    const good = await Promise.all(healthy.map((proxy) => world.addProxy({ port: proxy.port, protocol: 'http' })));
    const dead = await deadPort();
    const refused = await world.addProxy({ ip: dead.host, port: dead.port, protocol: 'http' });
    const first = await startChild({ TOTAL_TIMEOUT_MS: '60000' });
    const job = await world.validateQueue.add('validate', { proxy_ids: [...stuck, ...good, refused] });
    await eventually(
      async () => (holes.every((hole) => hole.stats.accepted > 0) ? true : undefined),
      15_000,
      'checks in flight',
    );
    expect(await job.getState()).toBe('active');

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await startChild({ TOTAL_TIMEOUT_MS: '1500' });

    await eventually(
      async () => ((await job.getState()) === 'completed' ? true : undefined),
      30_000,
      'the stalled job to complete elsewhere',
    );
    expect((await world.validateQueue.getJob(String(job.id)))?.returnvalue).toEqual({ checked: 8, active: 3, dead: 5 });
    for (const id of [...stuck, refused])
      expect(await world.db.proxy.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'dead' });
    for (const id of good) {
      const proxy = await world.db.proxy.findUniqueOrThrow({ where: { id } });
      expect(proxy).toMatchObject({ status: 'active', anonymity: 'elite' });
      // Every stored validation is whole: each one that passed wrote every stage, geoip included.
      const rows = await world.checkRows(id);
      expect(rows.filter((row) => row.checker_name === 'geoip').length).toBe(proxy.checksPassed);
    }
    // The black holes' first checks died with the process: nothing of them was stored before the takeover.
    for (const id of stuck) expect((await world.checkRows(id)).map((row) => row.stage)).toEqual([1, 2]);
  });
});
