import { looksLikeIPv4, looksLikePort } from './address.js';
import type { RawEntry } from './raw-entry.js';

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Splits `host:port`, `[v6]:port` and `host:port:user:pass`; null when the shape is none of these. */
function splitHostPort(hostPort: string, hasUserInfo: boolean): RawEntry | null {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0 || hostPort.charCodeAt(close + 1) !== 58) return null;
    // Kept as an entry so the collector counts it as skipped (IPv6 is refused there, see address.ts).
    return { host: hostPort.slice(1, close), port: hostPort.slice(close + 2) };
  }
  const parts = hostPort.split(':');
  const [host, port, username, password] = parts;
  if (host === undefined || port === undefined) return null;
  if (parts.length === 2) return { host, port };
  if (parts.length === 4 && !hasUserInfo) return { host, port, username, password };
  return null;
}

/**
 * Reads one proxy written as `[scheme://][user:pass@]host:port[/…]` or `host:port:user:pass`.
 * Returns null when the token has none of these shapes; values are not validated here.
 */
export function parseProxyToken(token: string): RawEntry | null {
  let rest = token;
  let protocol: string | undefined;
  const schemeEnd = rest.indexOf('://');
  if (schemeEnd === 0) return null;
  if (schemeEnd > 0) {
    protocol = rest.slice(0, schemeEnd);
    rest = rest.slice(schemeEnd + 3);
  }
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    username = decode(colon < 0 ? userInfo : userInfo.slice(0, colon));
    password = colon < 0 ? undefined : decode(userInfo.slice(colon + 1));
    rest = rest.slice(at + 1);
  }
  const pathStart = rest.indexOf('/');
  if (pathStart >= 0) rest = rest.slice(0, pathStart);
  const entry = splitHostPort(rest, at >= 0);
  if (entry === null) return null;
  return { ...entry, protocol, username: entry.username ?? username, password: entry.password ?? password };
}

/** True when the token reads as an IPv4 `host:port` entry (values unchecked): used by `supports()`. */
export function looksLikeProxyToken(token: string): boolean {
  const entry = parseProxyToken(token);
  return entry !== null && looksLikeIPv4(entry.host) && looksLikePort(String(entry.port));
}
