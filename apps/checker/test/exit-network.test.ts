import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { upsertScrapedChunk } from '@proxy-pool/db';
import { buildMmdb, forwardProxy, type ServerHandle } from '@proxy-pool/test-kit';
import { createCheckerWorld, type CheckerWorld } from './support/harness.js';

// Loopback exit addresses, which no real database covers, mapped by test databases: one in a hosting AS (on the
// curated list) in Germany, one in a made-up access network in the United States, one in neither database.
const HOSTING_EXIT = '127.0.0.21';
const HOME_EXIT = '127.0.0.22';
const UNLISTED_EXIT = '127.0.0.23';

const directory = mkdtempSync(path.join(tmpdir(), 'exit-network-'));
const asnFile = path.join(directory, 'GeoLite2-ASN.mmdb');
const countryFile = path.join(directory, 'GeoLite2-Country.mmdb');
writeFileSync(
  asnFile,
  buildMmdb([
    {
      network: `${HOSTING_EXIT}/32`,
      data: { autonomous_system_number: 16509, autonomous_system_organization: 'AMAZON-02' },
    },
    {
      network: `${HOME_EXIT}/32`,
      data: { autonomous_system_number: 64512, autonomous_system_organization: 'Example Broadband' },
    },
  ]),
);
writeFileSync(
  countryFile,
  buildMmdb(
    [
      { network: `${HOSTING_EXIT}/32`, data: { country: { iso_code: 'DE' } } },
      { network: `${HOME_EXIT}/32`, data: { country: { iso_code: 'US' } } },
    ],
    'GeoLite2-Country',
  ),
);

let world: CheckerWorld;
let sourceId: string;
const servers: ServerHandle[] = [];
const proxyPorts = new Map<string, number>();

beforeAll(async () => {
  world = await createCheckerWorld({ ASN_MMDB_PATH: asnFile, MMDB_PATH: countryFile });
  await world.startChecker();
  const source = await world.db.source.create({
    data: { url: 'http://127.0.0.1:9/list.json', parserName: 'json', cronSchedule: '0 0 1 1 *' },
  });
  sourceId = source.id;
  for (const exit of [HOSTING_EXIT, HOME_EXIT, UNLISTED_EXIT]) {
    const proxy = await forwardProxy({ kind: 'elite', exitAddress: exit });
    servers.push(proxy);
    proxyPorts.set(exit, proxy.port);
  }
}, 60_000);

afterAll(async () => {
  await world?.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** The proxy as a source list states it (what the scraper writes), then one validation. */
async function listedAndValidated(exit: string, statedCountry: string | undefined) {
  const port = proxyPorts.get(exit)!;
  await upsertScrapedChunk(
    world.db,
    sourceId,
    [
      {
        ip: '127.0.0.1',
        port,
        protocol: 'http',
        tags: statedCountry === undefined ? {} : { country: statedCountry },
        sourceCountry: statedCountry,
      },
    ],
    { claimSeconds: 0 },
  );
  const { id } = await world.db.proxy.findFirstOrThrow({ where: { port, protocol: 'http' } });
  expect(await world.validate([id])).toEqual({ checked: 1, active: 1, dead: 0 });
  const proxy = await world.db.proxy.findUniqueOrThrow({ where: { id } });
  return { proxy, checks: await world.checkRows(id) };
}

describe('exit network facts through the checker', () => {
  it('stores the AS of a hosting exit, labels it hosting, and tags a country the source got wrong', async () => {
    const { proxy, checks } = await listedAndValidated(HOSTING_EXIT, 'US');
    expect(proxy).toMatchObject({
      status: 'active',
      exitIp: HOSTING_EXIT,
      country: 'DE',
      asn: 16509,
      asOrg: 'AMAZON-02',
      ipType: 'hosting',
      sourceCountry: 'US',
      tags: { country: 'US', country_mismatch: { source: 'US', exit: 'DE' } },
    });
    expect(checks.find((check) => check.checker_name === 'exit_network')).toEqual({
      checker_name: 'exit_network',
      stage: 3,
      passed: true,
      latency_ms: expect.any(Number),
      detail: `${HOSTING_EXIT} is in AS16509 (AMAZON-02): ip_type hosting`,
    });
  });

  it('clears the mismatch once a list states the exit country', async () => {
    const { proxy } = await listedAndValidated(HOSTING_EXIT, 'DE');
    expect(proxy).toMatchObject({ country: 'DE', sourceCountry: 'DE', ipType: 'hosting', tags: { country: 'DE' } });
    expect(proxy.tags).not.toHaveProperty('country_mismatch');
  });

  it('labels an AS off the hosting list residential_or_business, with no tag when the countries agree', async () => {
    const { proxy } = await listedAndValidated(HOME_EXIT, 'US');
    expect(proxy).toMatchObject({
      country: 'US',
      asn: 64512,
      asOrg: 'Example Broadband',
      ipType: 'residential_or_business',
      tags: { country: 'US' },
    });
  });

  it('leaves an exit the data does not cover unknown, and states no mismatch without an exit country', async () => {
    const { proxy } = await listedAndValidated(UNLISTED_EXIT, 'FR');
    expect(proxy).toMatchObject({ country: null, asn: null, asOrg: null, ipType: 'unknown', sourceCountry: 'FR' });
    expect(proxy.tags).toEqual({ country: 'FR' });
  });
});
