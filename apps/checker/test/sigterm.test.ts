import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { blackHole, deadPort, type BlackHole } from '@proxy-pool/test-kit';
import { createCheckerWorld, eventually, type CheckerWorld } from './support/harness.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DRAIN_MS = 4_000;

let world: CheckerWorld;
let holes: BlackHole[];
let child: ChildProcess | undefined;

beforeAll(async () => {
  world = await createCheckerWorld({
    TOTAL_TIMEOUT_MS: '60000',
    CONNECT_TIMEOUT_MS: '1000',
    DRAIN_MS: String(DRAIN_MS),
  });
  holes = await Promise.all(Array.from({ length: 5 }, () => blackHole()));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await world?.close();
  await Promise.all(holes.map((hole) => hole.close()));
});

/** `node --import tsx apps/checker/src/main.ts`, resolved once its validate worker runs. */
async function startChild(): Promise<{ process: ChildProcess; output: () => string }> {
  const started = spawn(process.execPath, ['--import', 'tsx', 'apps/checker/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...world.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () => (output.includes('"validate worker running"') ? true : undefined),
    30_000,
    `the checker to start: ${output}`,
  );
  return { process: started, output: () => output };
}

describe('SIGTERM on a checker process in the middle of a long job', () => {
  it('exits 0 within the drain time, storing finished checks and handing the rest back', async () => {
    const stuck = await Promise.all(holes.map((hole) => world.addProxy({ port: hole.port, protocol: 'http' })));
    const dead = await deadPort();
    const refused = await world.addProxy({ ip: dead.host, port: dead.port, protocol: 'http' });
    const run = await startChild();
    child = run.process;
    const job = await world.validateQueue.add('validate', { proxy_ids: [...stuck, refused] });
    await eventually(
      async () => (holes.every((hole) => hole.stats.accepted > 0) ? true : undefined),
      15_000,
      'checks in flight',
    );
    await eventually(
      async () => ((await world.checkRows(refused)).length > 0 ? true : undefined),
      10_000,
      'the refused proxy to be stored',
    );

    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (exitCode) => resolve(exitCode)));
    const took = Date.now() - signalled;
    expect({ code, output: code === 0 ? '' : run.output() }).toEqual({ code: 0, output: '' });
    expect(took).toBeLessThan(DRAIN_MS + 1_500);
    expect(run.output()).toContain('"shutdown complete"');

    expect(await job.getState()).toBe('completed');
    expect((await world.validateQueue.getJob(String(job.id)))?.returnvalue).toEqual({ checked: 1, active: 0, dead: 1 });
    expect((await world.db.proxy.findUniqueOrThrow({ where: { id: refused } })).status).toBe('dead');
    for (const id of stuck) {
      const proxy = await world.db.proxy.findUniqueOrThrow({ where: { id } });
      expect(proxy).toMatchObject({ status: 'unchecked', checksTotal: 0 });
      expect(proxy.nextCheckAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(await world.checkRows(id)).toEqual([]);
    }
  });
});
