import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningChecker } from '../src/main.js';
import { createCheckerWorld, type CheckerWorld } from './support/harness.js';

let world: CheckerWorld;
let running: RunningChecker;

beforeAll(async () => {
  world = await createCheckerWorld();
  running = await world.startChecker();
});

afterAll(async () => {
  await world?.close();
});

const get = (path: string) => fetch(`http://127.0.0.1:${running.healthPort}${path}`);

describe('the checker health port', () => {
  it('is live, ready once Redis, PostgreSQL and the judge answered, and exposes metrics', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('proxypool_checker_validations_total');
    expect(metrics).toContain('proxypool_checker_validations_in_flight 0');
    expect(running.checker.ownIp.current()).toEqual(['127.0.0.1']);
    expect(
      world.logs.some((line) => line.message === 'own public IP learnt from the judge' && line.ip === '127.0.0.1'),
    ).toBe(true);
  });

  it('is not ready while its database does not answer', async () => {
    const broken = await world.startChecker({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing',
      HEALTH_PORT: '0',
    });
    const answer = await fetch(`http://127.0.0.1:${broken.healthPort}/readyz`);
    expect(answer.status).toBe(503);
  });
});
