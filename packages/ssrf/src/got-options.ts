import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy.js';
import { safeLookup } from './safe-lookup.js';
import type { SsrfOptions } from './safe-lookup.js';
import { SsrfError } from './ssrf-error.js';
import { literalIpOfUrl } from './url-host.js';

/** The part of got's options a hook reads; got's `Options` satisfies it. */
export interface RequestTarget {
  readonly url?: string | URL | undefined;
}

export type SsrfHook = (options: RequestTarget) => void;

/** Options for got (structurally typed, so this package needs no got at run time). */
export interface SsrfGotOptions {
  dnsLookup: LookupFunction;
  hooks: { beforeRequest: SsrfHook[]; beforeRedirect: SsrfHook[] };
  /** Agents of its own: a socket pooled by some unguarded request (node's global agent keeps sockets alive) is never reused here. */
  agent: { http: http.Agent; https: https.Agent };
}

/**
 * Throws an `SsrfError` when the request's URL names a non-public literal IP. Host names are left to the
 * lookup; literal IPs never reach it, so this is the only guard for `http://127.0.0.1/` and for a redirect
 * to one.
 */
export function assertLiteralTargetAllowed(options: RequestTarget, ssrf: SsrfOptions): void {
  if (ssrf.allowPrivate || options.url === undefined) return;
  const url = typeof options.url === 'string' ? new URL(options.url) : options.url;
  const literal = literalIpOfUrl(url);
  if (literal !== null && !isPublicAddress(literal)) throw new SsrfError(url.hostname, literal);
}

/**
 * got options that apply the SSRF policy to every hop: `dnsLookup` refuses names resolving to non-public
 * addresses (at connect time, so redirects and DNS rebinding are covered), and hooks refuse literal-IP
 * targets, first request and redirects alike. Build once per client and spread into got's options or
 * `got.extend(...)`; append hooks of your own to these arrays rather than replacing them. Replacing `agent`
 * (e.g. with a proxy agent) is the caller's call: connections then go wherever that agent sends them.
 */
export function ssrfGotOptions(ssrf: SsrfOptions): SsrfGotOptions {
  const guard: SsrfHook = (options) => assertLiteralTargetAllowed(options, ssrf);
  return {
    dnsLookup: safeLookup(ssrf),
    hooks: { beforeRequest: [guard], beforeRedirect: [guard] },
    agent: { http: new http.Agent(), https: new https.Agent() },
  };
}
