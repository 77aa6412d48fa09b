import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Reader } from 'maxmind';
import type { AsnResponse } from 'maxmind';
import { AsnRanges, type AsnRecord } from './asn-ranges.js';

export type { AsnRecord } from './asn-ranges.js';

/**
 * The IP-to-ASN data shipped by @ip-location-db/asn (CC-BY-4.0: RouteViews, the five RIRs through the NRO, and
 * DB-IP's IP to ASN Lite for organisation names), as CSV: one file per address family.
 */
export function defaultAsnFiles(): { ipv4: string; ipv6: string } {
  return {
    ipv4: createRequire(import.meta.url).resolve('@ip-location-db/asn/asn-ipv4.csv'),
    ipv6: createRequire(import.meta.url).resolve('@ip-location-db/asn/asn-ipv6.csv'),
  };
}

export type AsnLookup = (ip: string) => AsnRecord | undefined;

/** A MaxMind GeoLite2-ASN (or any MMDB whose records carry `autonomous_system_number`). */
async function openAsnMmdb(mmdbPath: string): Promise<AsnLookup> {
  const reader = new Reader<AsnResponse>(await readFile(mmdbPath));
  return (ip) => {
    const record = reader.get(ip) as Partial<AsnResponse> | null;
    const asn = record?.autonomous_system_number;
    if (typeof asn !== 'number' || !Number.isInteger(asn) || asn <= 0) return undefined;
    const org = record?.autonomous_system_organization;
    return { asn, org: typeof org === 'string' && org !== '' ? org : null };
  };
}

let shipped: Promise<AsnRanges> | undefined;

/** The shipped ranges, read once per process (about 500,000 ranges; every lookup shares them). */
function shippedRanges(): Promise<AsnRanges> {
  shipped ??= (async () => {
    const files = defaultAsnFiles();
    const [ipv4, ipv6] = await Promise.all([readFile(files.ipv4), readFile(files.ipv6)]);
    return new AsnRanges(ipv4, ipv6);
  })().catch((error: unknown) => {
    shipped = undefined;
    throw error;
  });
  return shipped;
}

/** Opens the ASN data: the MMDB at `mmdbPath` when given, else the shipped ip-location-db data. */
export async function openAsnLookup(mmdbPath?: string): Promise<AsnLookup> {
  if (mmdbPath !== undefined) return openAsnMmdb(mmdbPath);
  const ranges = await shippedRanges();
  return (ip) => ranges.lookup(ip);
}
