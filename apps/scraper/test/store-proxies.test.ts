import { describe, expect, it } from '@jest/globals';
import type { ProxyCandidate } from '@proxy-pool/plugin-contracts';
import { acceptableProxies } from '../src/store-proxies.js';

// Parsed only, never fetched or connected to: a pure unit test of the address policy.
const candidates: ProxyCandidate[] = [
  { ip: '8.8.8.8', port: 3128, protocol: 'http' },
  { ip: '8.8.8.8', port: 3128, protocol: 'http', username: 'dup' },
  { ip: '8.8.8.8', port: 3128, protocol: 'socks5' },
  { ip: '10.0.0.1', port: 8080, protocol: 'http' },
  { ip: '127.0.0.1', port: 8080, protocol: 'http' },
  { ip: '169.254.169.254', port: 80, protocol: 'http' },
  { ip: '192.0.2.10', port: 80, protocol: 'http' },
];

describe('acceptableProxies', () => {
  it('refuses private, loopback, link-local and reserved addresses and drops duplicates', () => {
    const { proxies, refused } = acceptableProxies(candidates, false);
    expect(refused).toBe(4);
    // The first of two duplicates wins (the second one's user name is dropped with it).
    expect(proxies).toEqual({
      ips: ['8.8.8.8', '8.8.8.8'],
      ports: [3128, 3128],
      protocols: ['http', 'socks5'],
      usernames: [null, null],
      passwords: [null, null],
      tags: [null, null],
      countries: [null, null],
    });
  });

  it('keeps every address when private targets are allowed', () => {
    const { proxies, refused } = acceptableProxies(candidates, true);
    expect(refused).toBe(0);
    expect(proxies.ips).toHaveLength(6);
  });
});
