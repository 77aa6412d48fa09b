import { looksLikeIPv4, looksLikePort } from './address.js';
import type { RawEntry } from './raw-entry.js';

const COLON = 58;

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
    if (close < 0 || hostPort.charCodeAt(close + 1) !== COLON) return null;
    // Kept as an entry so the collector counts it as skipped (IPv6 is refused there, see address.ts).
    return { host: hostPort.slice(1, close), port: hostPort.slice(close + 2) };
  }
  const first = hostPort.indexOf(':');
  if (first < 0) return null;
  const second = hostPort.indexOf(':', first + 1);
  if (second < 0) return { host: hostPort.slice(0, first), port: hostPort.slice(first + 1) };
  const third = hostPort.indexOf(':', second + 1);
  if (hasUserInfo || third < 0 || hostPort.indexOf(':', third + 1) >= 0) return null;
  return {
    host: hostPort.slice(0, first),
    port: hostPort.slice(first + 1, second),
    username: hostPort.slice(second + 1, third),
    password: hostPort.slice(third + 1),
  };
}

/**
 * Reads one proxy written as `[scheme://][user:pass@]host:port[/…]` or `host:port:user:pass`.
 * Returns null when the token has none of these shapes; values are not validated here.
 */
export function parseProxyToken(token: string): RawEntry | null {
  const schemeEnd = token.indexOf('://');
  const at = token.lastIndexOf('@');
  if (schemeEnd < 0 && at < 0 && token.indexOf('/') < 0) return splitHostPort(token, false);
  let rest = token;
  let protocol: string | undefined;
  if (schemeEnd === 0) return null;
  if (schemeEnd > 0) {
    protocol = rest.slice(0, schemeEnd);
    rest = rest.slice(schemeEnd + 3);
  }
  let username: string | undefined;
  let password: string | undefined;
  const userInfoEnd = rest.lastIndexOf('@');
  if (userInfoEnd >= 0) {
    const userInfo = rest.slice(0, userInfoEnd);
    const colon = userInfo.indexOf(':');
    username = decode(colon < 0 ? userInfo : userInfo.slice(0, colon));
    password = colon < 0 ? undefined : decode(userInfo.slice(colon + 1));
    rest = rest.slice(userInfoEnd + 1);
  }
  const pathStart = rest.indexOf('/');
  if (pathStart >= 0) rest = rest.slice(0, pathStart);
  const entry = splitHostPort(rest, userInfoEnd >= 0);
  if (entry === null) return null;
  return { ...entry, protocol, username: entry.username ?? username, password: entry.password ?? password };
}

/** True when the token reads as an IPv4 `host:port` entry (values unchecked): used by `supports()`. */
export function looksLikeProxyToken(token: string): boolean {
  const entry = parseProxyToken(token);
  return entry !== null && looksLikeIPv4(entry.host) && looksLikePort(String(entry.port));
}
