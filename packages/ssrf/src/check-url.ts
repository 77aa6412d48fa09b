import dns from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isPublicAddress } from './address-policy.js';
import { firstRefused } from './safe-lookup.js';
import type { SsrfOptions } from './safe-lookup.js';
import { hostOfUrl, literalIpOfUrl } from './url-host.js';

export type CheckUrlResult = { ok: true; url: URL } | { ok: false; reason: string };

export interface CheckUrlOptions extends SsrfOptions {
  /** Resolver, replaceable in tests; defaults to `dns.lookup` with `all: true`. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

/** RFC 6761: `localhost` and `*.localhost` always mean loopback, whatever a resolver says. */
const LOOPBACK_NAME = /(^|\.)localhost\.?$/i;

const resolveAll = (hostname: string): Promise<LookupAddress[]> => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * Validates a user-supplied URL (source, URL to test, webhook) before it is stored or used: http(s) only,
 * and, unless `allowPrivate`, every address its host resolves to must be public. Credentials in the URL are
 * allowed. With `allowPrivate` no DNS query is made: there would be nothing to refuse.
 * This check alone does not stop DNS rebinding; fetch with `safeLookup` / `ssrfGotOptions` as well.
 */
export async function checkUrl(input: string, options: CheckUrlOptions): Promise<CheckUrlResult> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `scheme ${url.protocol.slice(0, -1)} is not allowed, use http or https` };
  }
  if (url.hostname === '') return { ok: false, reason: 'URL has no host' };
  if (options.allowPrivate) return { ok: true, url };
  const literal = literalIpOfUrl(url);
  if (literal !== null) {
    return isPublicAddress(literal) ? { ok: true, url } : { ok: false, reason: `${literal} is a private address` };
  }
  const host = hostOfUrl(url);
  if (LOOPBACK_NAME.test(host)) return { ok: false, reason: `${host} names a private address (loopback)` };
  let addresses: LookupAddress[];
  try {
    addresses = await (options.resolve ?? resolveAll)(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
    return { ok: false, reason: `cannot resolve ${host} (${code})` };
  }
  if (addresses.length === 0) return { ok: false, reason: `cannot resolve ${host}` };
  const refused = firstRefused(addresses, options);
  if (refused !== undefined) return { ok: false, reason: `${host} resolves to ${refused.address}, a private address` };
  return { ok: true, url };
}
