import { describe, expect, it } from '@jest/globals';
import {
  defineChecker,
  defineNotifier,
  defineParser,
  isSubscribed,
  matchesPattern,
  orderCheckers,
} from '../src/index.js';

const passing = async () => ({ passed: true, latencyMs: 1, detail: 'ok' });

describe('plugin contracts', () => {
  it('orders checkers by stage, then priority, then registration', () => {
    const a = defineChecker({ name: 'a', stage: 2, priority: 0, check: passing });
    const b = defineChecker({ name: 'b', stage: 1, priority: 5, check: passing });
    const c = defineChecker({ name: 'c', stage: 1, priority: 0, check: passing });
    const d = defineChecker({ name: 'd', stage: 1, priority: 5, check: passing });
    expect(orderCheckers([a, b, c, d]).map((x) => x.name)).toEqual(['c', 'b', 'd', 'a']);
  });

  it('rejects malformed plugin definitions', () => {
    expect(() => defineChecker({ name: 'x', stage: 0, priority: 0, check: passing })).toThrow(/stage/);
    expect(() => defineChecker({ name: 'Bad Name', stage: 1, priority: 0, check: passing })).toThrow(/name/);
    expect(() =>
      defineParser({ name: '', supports: () => true, parse: () => ({ proxies: [], skipped: 0 }) }),
    ).toThrow();
    expect(() => defineNotifier({ name: 'n', subscribes_to: [], deliver: async () => {} })).toThrow(/subscribes_to/);
  });

  it('matches subscription globs', () => {
    expect(matchesPattern('*', 'lease.expired')).toBe(true);
    expect(matchesPattern('credits.*', 'credits.low')).toBe(true);
    expect(matchesPattern('credits.*', 'creditsXlow')).toBe(false);
    expect(matchesPattern('source.failing', 'source.failing')).toBe(true);
    expect(matchesPattern('source.failing', 'source.failing.more')).toBe(false);
    const notifier = defineNotifier({
      name: 'n',
      subscribes_to: ['proxy.pool_low', 'credits.*'],
      deliver: async () => {},
    });
    expect(isSubscribed(notifier, 'credits.depleted')).toBe(true);
    expect(isSubscribed(notifier, 'lease.expired')).toBe(false);
  });
});
