import { describe, expect, it } from '@jest/globals';
import { describeCheckerContract } from '@proxy-pool/plugin-contracts/testing';
import { builtinCheckers, createGeoipChecker, openCountryLookup } from '../src/index.js';
import { contextFor, OWN_IP, SECRET } from './harness.js';

const geoip = createGeoipChecker();
describeCheckerContract(geoip, { unreachable: { id: 'dead', ip: '127.0.0.1', port: 9, protocol: 'http' } });

const withExitIp = (exitIp: string | undefined) =>
  contextFor({ ip: '127.0.0.1', port: 9, protocol: 'http' }, { facts: { exitIp } });

describe('geoip', () => {
  it('finds the country of a public exit IP in the bundled database (a file lookup, no network)', async () => {
    const outcome = await geoip.check(withExitIp('8.8.8.8'));
    expect(outcome).toMatchObject({ passed: true, detail: '8.8.8.8 is in US', facts: { country: 'US' } });
    const lookup = await openCountryLookup();
    expect(lookup('1.1.1.1')).toMatch(/^[A-Z]{2}$/);
  });

  it('passes an exit IP the database does not know, without a country', async () => {
    const outcome = await geoip.check(withExitIp('127.0.0.1'));
    expect(outcome).toEqual({ passed: true, latencyMs: expect.any(Number), detail: 'no country for 127.0.0.1' });
    expect(await geoip.check(withExitIp('10.1.2.3'))).toMatchObject({
      passed: true,
      detail: 'no country for 10.1.2.3',
    });
  });

  it('reports a missing database precisely, and load() fails fast', async () => {
    const broken = createGeoipChecker({ mmdbPath: '/nonexistent/country.mmdb' });
    await expect(broken.load()).rejects.toThrow(/ENOENT/);
    const outcome = await broken.check(withExitIp('8.8.8.8'));
    expect(outcome.passed).toBe(false);
    expect(outcome.detail).toMatch(/^geoip database unavailable: ENOENT/);
  });

  it('is the third stage of the built-in pipeline', () => {
    const checkers = builtinCheckers({ judgeUrl: 'http://127.0.0.1:9/judge', secret: SECRET, ownIps: () => [OWN_IP] });
    expect(checkers.map((checker) => [checker.name, checker.stage, checker.priority])).toEqual([
      ['tcp_connect', 1, 0],
      ['http_anonymity', 2, 0],
      ['geoip', 3, 0],
      ['exit_network', 3, 1],
    ]);
  });
});
