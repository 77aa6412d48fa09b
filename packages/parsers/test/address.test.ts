import { describe, expect, it } from '@jest/globals';
import { ipv4ToNumber, parsePort } from '../src/core/address.js';

describe('shared address validation', () => {
  it.each(['0.0.0.0', '1.2.3.4', '203.0.113.5', '255.255.255.255', '10.0.0.1'])('accepts %s', (ip) => {
    expect(ipv4ToNumber(ip)).not.toBeNull();
  });

  it.each([
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.00',
    '1.2.3.-4',
    '1..3.4',
    ' 1.2.3.4',
    '1.2.3.4a',
    '::1',
    '',
    '1234.1.1.1',
  ])('rejects %p', (ip) => {
    expect(ipv4ToNumber(ip)).toBeNull();
  });

  it('maps an address to its 32-bit value', () => {
    expect(ipv4ToNumber('255.255.255.255')).toBe(0xffffffff);
    expect(ipv4ToNumber('127.0.0.1')).toBe(0x7f000001);
  });

  it('accepts ports 1-65535 only', () => {
    expect(parsePort('1')).toBe(1);
    expect(parsePort('65535')).toBe(65535);
    expect(parsePort(8080)).toBe(8080);
    for (const bad of ['0', '65536', 'abc', '', '80a', '-1', '123456', 0, 65536, 80.5, Number.NaN]) {
      expect(parsePort(bad)).toBeNull();
    }
  });
});
