import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { describeCheckerContract } from '@proxy-pool/plugin-contracts/testing';
import { buildMmdb } from '@proxy-pool/test-kit';
import { createExitNetworkChecker, hostingAsns, ipTypeOf, openAsnLookup } from '../src/index.js';
import { contextFor } from './harness.js';

const shipped = createExitNetworkChecker();
// Reading the shipped data (~500,000 ranges) happens once, at start-up, as the checker app does.
beforeAll(() => shipped.load(), 60_000);
describeCheckerContract(shipped, { unreachable: { id: 'dead', ip: '127.0.0.1', port: 9, protocol: 'http' } });

const withExitIp = (exitIp: string | undefined) =>
  contextFor({ ip: '127.0.0.1', port: 9, protocol: 'http' }, { facts: { exitIp } });

describe('exit_network with the shipped ip-location-db data (a file lookup, no network)', () => {
  it('names the AS of public addresses, both families, and labels the big clouds hosting', async () => {
    const lookup = await openAsnLookup();
    expect(lookup('8.8.8.8')).toEqual({ asn: 15169, org: 'Google LLC' });
    expect(lookup('2001:4860:4860::8888')?.asn).toBe(15169);
    expect(lookup('::ffff:8.8.8.8')?.asn).toBe(15169);
    expect(lookup('1.1.1.1')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(ipTypeOf(lookup('8.8.8.8')?.asn)).toBe('hosting');
    expect(await shipped.check(withExitIp('8.8.8.8'))).toEqual({
      passed: true,
      latencyMs: expect.any(Number),
      detail: '8.8.8.8 is in AS15169 (Google LLC): ip_type hosting',
      facts: { asn: 15169, asOrg: 'Google LLC', ipType: 'hosting' },
    });
  });

  it('labels an AS missing from the hosting list residential_or_business (Orange, a French ISP)', async () => {
    const outcome = await shipped.check(withExitIp('80.15.0.1'));
    expect(outcome.facts).toEqual({ asn: 3215, asOrg: 'Orange S.A.', ipType: 'residential_or_business' });
  });

  it('passes an exit IP no AS covers as unknown, and one that is not an address fails', async () => {
    expect(await shipped.check(withExitIp('127.0.0.1'))).toEqual({
      passed: true,
      latencyMs: expect.any(Number),
      detail: 'no AS for 127.0.0.1: ip_type unknown',
      facts: { ipType: 'unknown' },
    });
    expect((await shipped.check(withExitIp('10.1.2.3'))).facts).toEqual({ ipType: 'unknown' });
    expect(await shipped.check(withExitIp(undefined))).toEqual({
      passed: true,
      latencyMs: null,
      detail: 'no exit IP to look up',
    });
    expect(await shipped.check(withExitIp('not-an-ip'))).toMatchObject({ passed: false });
  });
});

describe('exit_network with a GeoLite2-ASN file (ASN_MMDB_PATH)', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'asn-mmdb-'));
  const file = path.join(directory, 'GeoLite2-ASN.mmdb');
  writeFileSync(
    file,
    buildMmdb([
      {
        network: '127.0.0.2/32',
        data: { autonomous_system_number: 16509, autonomous_system_organization: 'AMAZON-02' },
      },
      {
        network: '127.0.1.0/24',
        data: { autonomous_system_number: 64512, autonomous_system_organization: 'Test ISP' },
      },
    ]),
  );

  it('reads the ASN and organisation from the file instead of the shipped data', async () => {
    const checker = createExitNetworkChecker({ asnMmdbPath: file });
    await checker.load();
    expect((await checker.check(withExitIp('127.0.0.2'))).facts).toEqual({
      asn: 16509,
      asOrg: 'AMAZON-02',
      ipType: 'hosting',
    });
    expect((await checker.check(withExitIp('127.0.1.200'))).facts).toEqual({
      asn: 64512,
      asOrg: 'Test ISP',
      ipType: 'residential_or_business',
    });
    // The file replaces the shipped data: an address only the shipped data covers is unknown.
    expect((await checker.check(withExitIp('8.8.8.8'))).facts).toEqual({ ipType: 'unknown' });
  });

  it('reports a missing file precisely, and load() fails fast', async () => {
    const broken = createExitNetworkChecker({ asnMmdbPath: path.join(directory, 'missing.mmdb') });
    await expect(broken.load()).rejects.toThrow(/ENOENT/);
    const outcome = await broken.check(withExitIp('8.8.8.8'));
    expect(outcome.passed).toBe(false);
    expect(outcome.detail).toMatch(/^ASN database unavailable: ENOENT/);
  });
});

describe('the curated hosting list', () => {
  it('names the organisation and the reason for every AS, once each, and covers the big clouds', () => {
    const list = [...hostingAsns().values()];
    expect(list.length).toBeGreaterThan(50);
    for (const entry of list) {
      expect(Number.isInteger(entry.asn) && entry.asn > 0).toBe(true);
      expect(entry.name.trim()).not.toBe('');
      expect(entry.why.trim()).not.toBe('');
    }
    // AWS, Google Cloud, Azure, DigitalOcean, OVH, Hetzner, Linode, Vultr, Contabo, Alibaba, Tencent, Oracle,
    // Scaleway, Leaseweb, M247.
    for (const asn of [
      16509, 396982, 8075, 14061, 16276, 24940, 63949, 20473, 51167, 45102, 45090, 31898, 12876, 60781, 9009,
    ])
      expect(ipTypeOf(asn)).toBe('hosting');
    expect(ipTypeOf(3215)).toBe('residential_or_business');
    expect(ipTypeOf(null)).toBe('unknown');
  });
});
