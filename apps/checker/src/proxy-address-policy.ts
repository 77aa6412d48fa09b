import { isPublicAddress } from '@proxy-pool/ssrf';

/** Why a proxy must not be connected to, or undefined when it may be. */
export type AddressRefusal = (ip: string) => string | undefined;

/**
 * The SSRF address policy applied to the proxies themselves. Proxies at loopback, private, link-local or
 * reserved addresses can sit in the database from a time `ALLOW_PRIVATE_TARGETS` was on (or from a direct
 * insert); with the setting off, the checker refuses them at check time instead of probing its own network.
 */
export function privateProxyRefusal(allowPrivate: boolean): AddressRefusal {
  if (allowPrivate) return () => undefined;
  return (ip) => (isPublicAddress(ip) ? undefined : `proxy address ${ip} is private; ALLOW_PRIVATE_TARGETS is off`);
}
