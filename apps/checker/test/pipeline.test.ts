import { describe, expect, it } from '@jest/globals';
import { defineChecker, type Checker, type CheckOutcome } from '@proxy-pool/plugin-contracts';
import { createPipeline } from '../src/pipeline.js';

const target = { id: '00000000-0000-4000-8000-000000000001', ip: '127.0.0.1', port: 9, protocol: 'http' as const };

function fake(
  name: string,
  stage: number,
  outcome: Partial<CheckOutcome> | (() => Promise<CheckOutcome>),
  priority = 0,
  log?: string[],
): Checker {
  return defineChecker({
    name,
    stage,
    priority,
    check: async (context) => {
      log?.push(`${name}:${JSON.stringify(context.facts)}`);
      if (typeof outcome === 'function') return outcome();
      return { passed: true, latencyMs: 1, detail: `${name} ok`, ...outcome };
    },
  });
}

describe('the checker pipeline', () => {
  it("records an advisory checker's failure without failing the validation, and keeps its facts", async () => {
    const tls = defineChecker({
      name: 'tls',
      stage: 4,
      priority: 0,
      advisory: true,
      check: async () => ({ passed: false, latencyMs: 900, detail: 'another certificate', facts: { mitm: true } }),
    });
    const pipeline = createPipeline(
      [fake('connect', 1, { latencyMs: 7 }), fake('judge', 2, { latencyMs: 40, facts: { exitIp: '127.0.0.9' } }), tls],
      { connectTimeoutMs: 100, totalTimeoutMs: 1000 },
    );
    expect(pipeline.finalStage).toBe(2);
    const result = await pipeline.validate(target);
    expect(result.outcome).toEqual({ passed: true, latencyMs: 40, exitIp: '127.0.0.9', mitm: true });
    expect(result.checks.map((check) => [check.checkerName, check.passed, check.detail])).toEqual([
      ['connect', true, 'connect ok'],
      ['judge', true, 'judge ok'],
      ['tls', false, 'another certificate'],
    ]);
  });

  it('runs stages in order, priorities within a stage, and hands facts to later checkers', async () => {
    const log: string[] = [];
    const pipeline = createPipeline(
      [
        fake('geo', 3, { facts: { country: 'NL' } }, 0, log),
        fake('judge', 2, { latencyMs: 40, facts: { exitIp: '127.0.0.9', anonymity: 'elite' } }, 0, log),
        fake('late_connect', 1, { latencyMs: 5 }, 10, log),
        fake('connect', 1, { latencyMs: 7 }, 0, log),
      ],
      { connectTimeoutMs: 100, totalTimeoutMs: 1000 },
    );
    expect(pipeline.checkers.map((checker) => checker.name)).toEqual(['connect', 'late_connect', 'judge', 'geo']);
    expect(pipeline.finalStage).toBe(3);
    const result = await pipeline.validate(target);
    expect(log).toEqual([
      'connect:{}',
      'late_connect:{}',
      'judge:{}',
      'geo:{"exitIp":"127.0.0.9","anonymity":"elite"}',
    ]);
    expect(result.outcome).toEqual({
      passed: true,
      latencyMs: 40,
      exitIp: '127.0.0.9',
      anonymity: 'elite',
      country: 'NL',
    });
    expect(result.checks.map((check) => [check.checkerName, check.stage, check.passed])).toEqual([
      ['connect', 1, true],
      ['late_connect', 1, true],
      ['judge', 2, true],
      ['geo', 3, true],
    ]);
  });

  it('finishes the failing stage but runs no later stage', async () => {
    const log: string[] = [];
    const pipeline = createPipeline(
      [fake('a', 1, { passed: false, detail: 'nope' }, 0, log), fake('b', 1, {}, 1, log), fake('c', 2, {}, 0, log)],
      { connectTimeoutMs: 100, totalTimeoutMs: 1000 },
    );
    const result = await pipeline.validate(target);
    expect(log.map((line) => line.split(':')[0])).toEqual(['a', 'b']);
    expect(result.outcome).toEqual({ passed: false, latencyMs: null });
    expect(result.checks.map((check) => check.detail)).toEqual(['nope', 'b ok']);
  });

  it('turns a throwing checker into a failed check with its message', async () => {
    const pipeline = createPipeline([fake('boom', 1, () => Promise.reject(new Error('kaput')))], {
      connectTimeoutMs: 100,
      totalTimeoutMs: 1000,
    });
    const result = await pipeline.validate(target);
    expect(result.checks).toEqual([
      expect.objectContaining({ checkerName: 'boom', passed: false, detail: 'checker boom failed: kaput' }),
    ]);
  });

  it('bounds the whole validation by the total timeout, even against a checker that ignores it', async () => {
    const seen: number[] = [];
    const slowPass = defineChecker({
      name: 'slow',
      stage: 1,
      priority: 0,
      check: async (context) => {
        seen.push(context.totalTimeoutMs);
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { passed: true, latencyMs: 150, detail: 'slow ok' };
      },
    });
    const hang = defineChecker({
      name: 'hang',
      stage: 2,
      priority: 0,
      check: (context) => {
        seen.push(context.totalTimeoutMs, context.connectTimeoutMs);
        return new Promise<CheckOutcome>(() => undefined);
      },
    });
    const pipeline = createPipeline([slowPass, hang], { connectTimeoutMs: 500, totalTimeoutMs: 300 });
    const started = Date.now();
    const result = await pipeline.validate(target);
    expect(Date.now() - started).toBeLessThan(300 + 250 + 300);
    expect(seen[0]).toBe(300);
    expect(seen[1]).toBeLessThanOrEqual(160);
    expect(seen[2]).toBe(seen[1]);
    expect(result.outcome.passed).toBe(false);
    expect(result.checks[1]).toMatchObject({
      checkerName: 'hang',
      passed: false,
      detail: 'no result within the total timeout of 300ms',
    });
  });

  it('abandons a validation when the outer signal aborts, and says so instead of blaming the proxy', async () => {
    const controller = new AbortController();
    const waits = defineChecker({
      name: 'waits',
      stage: 1,
      priority: 0,
      check: (context) =>
        new Promise<CheckOutcome>((resolve) => {
          context.signal.addEventListener('abort', () =>
            resolve({ passed: false, latencyMs: null, detail: 'aborted' }),
          );
        }),
    });
    const pipeline = createPipeline([waits, fake('after', 2, {})], { connectTimeoutMs: 100, totalTimeoutMs: 10_000 });
    const pending = pipeline.validate(target, controller.signal);
    setTimeout(() => controller.abort(), 20);
    const result = await pending;
    expect(result.abandoned).toBe(true);
    expect(result.checks).toEqual([]);
  });
});
