import { isIP } from 'node:net';

/** The host of a URL as a resolver or `isIP` wants it: IPv6 literals lose their brackets. */
export function hostOfUrl(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The literal IP a URL names, or null when its host is a name that needs DNS. */
export function literalIpOfUrl(url: URL): string | null {
  const host = hostOfUrl(url);
  return isIP(host) === 0 ? null : host;
}
