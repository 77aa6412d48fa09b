import { describe, expect, it } from '@jest/globals';
import { AsnRanges, ipv6Words } from '../src/asn-ranges.js';

describe('AsnRanges (the ip-location-db CSV reader)', () => {
  it('finds the range holding an address, edges included, in either family and in any line order', () => {
    const ipv4 = Buffer.from(
      [
        '10.0.2.0,10.0.2.255,64502,"Example, ""Quoted"" Org"',
        '10.0.0.0,10.0.0.255,64500,First Org',
        'garbage line',
        '10.0.1.0,10.0.1.127,64501,',
      ].join('\r\n'),
    );
    const ipv6 = Buffer.from(
      '2001:db8::,2001:db8::ffff,64510,V6 Org\n2001:db9::,2001:db9:ffff:ffff:ffff:ffff:ffff:ffff,64511,Other\n',
    );
    const ranges = new AsnRanges(ipv4, ipv6);
    expect(ranges.size).toBe(5);
    expect(ranges.lookup('10.0.0.0')).toEqual({ asn: 64500, org: 'First Org' });
    expect(ranges.lookup('10.0.0.255')).toEqual({ asn: 64500, org: 'First Org' });
    expect(ranges.lookup('10.0.1.127')).toEqual({ asn: 64501, org: null });
    expect(ranges.lookup('10.0.1.128')).toBeUndefined();
    expect(ranges.lookup('10.0.2.9')).toEqual({ asn: 64502, org: 'Example, "Quoted" Org' });
    expect(ranges.lookup('9.255.255.255')).toBeUndefined();
    expect(ranges.lookup('::ffff:10.0.2.9')?.asn).toBe(64502);
    expect(ranges.lookup('2001:db8::1')?.asn).toBe(64510);
    expect(ranges.lookup('2001:db8::1:0')).toBeUndefined();
    expect(ranges.lookup('2001:db9:abcd::1')?.asn).toBe(64511);
    expect(ranges.lookup('not an address')).toBeUndefined();
  });

  it('reads IPv6 text in every form', () => {
    expect(ipv6Words('::')).toEqual([0, 0, 0, 0]);
    expect(ipv6Words('::1')).toEqual([0, 0, 0, 1]);
    expect(ipv6Words('2001:DB8::')).toEqual([0x20010db8, 0, 0, 0]);
    expect(ipv6Words('1:2:3:4:5:6:7:8')).toEqual([0x10002, 0x30004, 0x50006, 0x70008]);
    expect(ipv6Words('::ffff:192.0.2.1')).toEqual([0, 0, 0xffff, 0xc0000201]);
    for (const bad of ['1::2::3', '1:2', '12345::', ':1', '1:', 'g::']) expect(ipv6Words(bad)).toBeNull();
  });
});
