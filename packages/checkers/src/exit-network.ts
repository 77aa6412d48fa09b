import { isIP } from 'node:net';
import { defineChecker } from '@proxy-pool/plugin-contracts';
import type { Checker } from '@proxy-pool/plugin-contracts';
import { type AsnLookup, openAsnLookup } from './asn.js';
import { errorMessage } from './check-failure.js';
import { ipTypeOf } from './ip-type.js';
import { BUILTIN_CHECKER_STAGES } from './stages.js';

export interface ExitNetworkChecker extends Checker {
  /** Opens the ASN data now (at start-up) so a bad path fails fast instead of on the first check. */
  load(): Promise<void>;
}

/**
 * Stage 3, beside geoip: the autonomous system of the exit IP (number and organisation) and its `ipType`.
 * An IP the data does not cover still passes, with `ipType: 'unknown'`.
 */
export function createExitNetworkChecker(options: { asnMmdbPath?: string } = {}): ExitNetworkChecker {
  let lookup: Promise<AsnLookup> | undefined;
  const load = (): Promise<AsnLookup> => {
    lookup ??= openAsnLookup(options.asnMmdbPath).catch((error: unknown) => {
      lookup = undefined;
      throw error;
    });
    return lookup;
  };
  const checker = defineChecker({
    name: 'exit_network',
    stage: BUILTIN_CHECKER_STAGES.exit_network,
    priority: 1,
    check: async ({ facts }) => {
      const ip = facts.exitIp;
      if (ip === undefined) return { passed: true, latencyMs: null, detail: 'no exit IP to look up' };
      if (isIP(ip) === 0)
        return { passed: false, latencyMs: null, detail: `exit IP ${JSON.stringify(ip)} is not an IP address` };
      let find: AsnLookup;
      try {
        find = await load();
      } catch (error) {
        return { passed: false, latencyMs: null, detail: `ASN database unavailable: ${errorMessage(error)}` };
      }
      const started = performance.now();
      const record = find(ip);
      const latencyMs = Math.round(performance.now() - started);
      if (record === undefined)
        return { passed: true, latencyMs, detail: `no AS for ${ip}: ip_type unknown`, facts: { ipType: 'unknown' } };
      const ipType = ipTypeOf(record.asn);
      const named = record.org === null ? `AS${record.asn}` : `AS${record.asn} (${record.org})`;
      return {
        passed: true,
        latencyMs,
        detail: `${ip} is in ${named}: ip_type ${ipType}`,
        facts: { asn: record.asn, ...(record.org === null ? {} : { asOrg: record.org }), ipType },
      };
    },
  });
  return Object.freeze({ ...checker, load: async () => void (await load()) });
}
