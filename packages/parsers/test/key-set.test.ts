import { describe, expect, it } from '@jest/globals';
import { KeySet } from '../src/core/key-set.js';

describe('KeySet', () => {
  it('remembers every pair across growth and tells repeats apart', () => {
    const keys = new KeySet();
    const pairs: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) pairs.push([(0xcb007100 + i * 7919) >>> 0, (i % 65535) * 4 + (i % 4)]);
    pairs.push([0, 0], [0xffffffff, 262143]);
    expect(pairs.filter(([ip, low]) => keys.add(ip, low))).toHaveLength(pairs.length);
    expect(pairs.filter(([ip, low]) => keys.add(ip, low))).toHaveLength(0);
    expect(keys.add(0xffffffff, 262142)).toBe(true);
    expect(keys.add(1, 0)).toBe(true);
  });
});
