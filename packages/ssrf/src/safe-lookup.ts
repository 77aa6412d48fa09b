import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy.js';
import { SsrfError } from './ssrf-error.js';

export interface SsrfOptions {
  /** Allow loopback, private and other non-public targets (tests, local development). Off in production. */
  allowPrivate: boolean;
}

/** The first address of the list that the policy refuses, if any. */
export function firstRefused(addresses: readonly LookupAddress[], options: SsrfOptions): LookupAddress | undefined {
  return options.allowPrivate ? undefined : addresses.find((entry) => !isPublicAddress(entry.address));
}

/**
 * A `dns.lookup`-compatible function (node's `lookup` socket option, got's `dnsLookup`) that resolves as usual
 * and then fails with an `SsrfError` if any resolved address is not public. Because it runs at connect time,
 * it guards every hop, redirects included, and the address checked is the address used (no DNS rebinding
 * window between a check and the connection). Literal-IP hosts never reach a lookup: see `ssrfGotOptions`.
 */
export function safeLookup(options: SsrfOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const wanted: LookupOptions = typeof lookupOptions === 'object' && lookupOptions !== null ? lookupOptions : {};
    dns.lookup(hostname, { ...wanted, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const refused = firstRefused(addresses, options);
      if (refused !== undefined) {
        callback(new SsrfError(hostname, refused.address), '', 0);
        return;
      }
      const first = addresses[0];
      if (wanted.all === true) callback(null, addresses);
      else if (first === undefined)
        callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      else callback(null, first.address, first.family);
    });
  };
}
