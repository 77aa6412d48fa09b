import { describe, expect, test } from '@jest/globals';
import { GatewayParamError, parseParamList, parseUsername } from '@proxy-pool/db';
import { drawWeighted, proxyWeight } from '../src/steering/weighted-draw.js';

describe('username parameters', () => {
  test('a handle alone asks for nothing but the default session time', () => {
    expect(parseUsername('crawler')).toEqual({ sessionMinutes: 10 });
  });

  test('every parameter, values normalised', () => {
    expect(parseUsername('job7-country-de-protocol-socks5-anon-elite-minscore-0.75-session-Ab12-sesstime-60')).toEqual({
      country: 'DE',
      protocol: 'socks5',
      anonymity: 'elite',
      minScore: 0.75,
      session: 'Ab12',
      sessionMinutes: 60,
    });
    expect(parseUsername('x-minscore-1.0')).toMatchObject({ minScore: 1 });
    expect(parseUsername('x-minscore-0')).toMatchObject({ minScore: 0 });
  });

  test.each([
    ['', 'INVALID_PARAMETER'],
    ['-country-DE', 'INVALID_PARAMETER'],
    ['x-city-Berlin', 'UNKNOWN_PARAMETER'],
    ['x-country-DEU', 'INVALID_PARAMETER'],
    ['x-protocol-ftp', 'INVALID_PARAMETER'],
    ['x-anon-high', 'INVALID_PARAMETER'],
    ['x-minscore-1.01', 'INVALID_PARAMETER'],
    ['x-minscore-.5', 'INVALID_PARAMETER'],
    [`x-session-${'a'.repeat(33)}`, 'INVALID_PARAMETER'],
    ['x-sesstime-0-session-a', 'INVALID_PARAMETER'],
    ['x-sesstime-5', 'INVALID_PARAMETER'],
    ['x-country-DE-country-FR', 'INVALID_PARAMETER'],
    ['x-country-', 'INVALID_PARAMETER'],
  ])('%j is refused with %s', (username, code) => {
    let thrown: unknown;
    try {
      parseUsername(username);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayParamError);
    expect((thrown as GatewayParamError).code).toBe(code);
  });

  test('an allowlist entry holds parameters without a handle', () => {
    expect(parseParamList('')).toEqual({ sessionMinutes: 10 });
    expect(parseParamList('country-AT-session-s1')).toEqual({ country: 'AT', session: 's1', sessionMinutes: 10 });
  });
});

describe('weighted draw', () => {
  const proxies = Array.from({ length: 10 }, (_, i) => ({
    id: i,
    score: i / 10,
    gatewaySuccesses: 0,
    gatewayFailures: 0,
  }));

  test('draws distinct items, at most the count asked for', () => {
    const drawn = drawWeighted(proxies, proxyWeight, 3);
    expect(new Set(drawn).size).toBe(3);
    expect(drawWeighted(proxies.slice(0, 2), proxyWeight, 5)).toHaveLength(2);
  });

  test('better scores come first more often, but not always', () => {
    const firsts = new Map<number, number>();
    for (let i = 0; i < 4000; i += 1) {
      const [first] = drawWeighted(proxies, proxyWeight, 1);
      firsts.set(first!.id, (firsts.get(first!.id) ?? 0) + 1);
    }
    expect(firsts.get(9)!).toBeGreaterThan(firsts.get(0)! * 3);
    expect(firsts.get(9)!).toBeLessThan(4000 * 0.4);
    expect(firsts.size).toBe(10);
  });

  test('a proxy failing through the gateway is drawn less', () => {
    const good = { score: 0.9, gatewaySuccesses: 50, gatewayFailures: 0 };
    const failing = { score: 0.9, gatewaySuccesses: 0, gatewayFailures: 9 };
    expect(proxyWeight(failing)).toBeCloseTo(proxyWeight(good) / 10, 5);
  });
});
