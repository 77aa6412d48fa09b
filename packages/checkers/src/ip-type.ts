import { readFileSync } from 'node:fs';

/** What kind of network an exit IP belongs to, as far as its AS tells. */
export type IpType = 'hosting' | 'residential_or_business' | 'unknown';

export const IP_TYPES: readonly IpType[] = ['hosting', 'residential_or_business', 'unknown'];

/** One entry of the curated list: the AS, the organisation that runs it, and why it counts as hosting. */
export interface HostingAsn {
  asn: number;
  name: string;
  why: string;
}

/** The curated list of hosting ASNs shipped with the project (`packages/checkers/data/hosting-asns.json`). */
export const HOSTING_ASNS_FILE = new URL('../data/hosting-asns.json', import.meta.url);

let hosting: ReadonlyMap<number, HostingAsn> | undefined;

export function hostingAsns(): ReadonlyMap<number, HostingAsn> {
  if (hosting === undefined) {
    const document = JSON.parse(readFileSync(HOSTING_ASNS_FILE, 'utf8')) as { asns: HostingAsn[] };
    hosting = new Map(document.asns.map((entry) => [entry.asn, entry]));
  }
  return hosting;
}

/**
 * The label of an exit IP's AS: `hosting` when the AS is on the curated list, `residential_or_business` for
 * any other known AS (an ISP, a company, a university, a mobile carrier, or hosting the list does not name),
 * `unknown` when the IP has no AS in the data.
 */
export function ipTypeOf(asn: number | null | undefined): IpType {
  if (asn === null || asn === undefined) return 'unknown';
  return hostingAsns().has(asn) ? 'hosting' : 'residential_or_business';
}
