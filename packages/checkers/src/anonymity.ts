import type { Anonymity } from '@proxy-pool/plugin-contracts';
import { normalizeAddress } from './judge.js';

export type SeenHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface AnonymityInput {
  /** Headers the judge saw. */
  headers: SeenHeaders;
  /** Address the judge saw the request come from. */
  remoteAddr: string;
  /** The checker's own public addresses (a new array when they change: the set built from one is reused). */
  ownIps: readonly string[];
  /** Headers the checker itself sent (lower-case name → value); unchanged ones are not the proxy's doing. */
  sentHeaders?: Readonly<Record<string, string>>;
}

/** Headers by which proxies reveal themselves or the client (case-insensitive). */
export const REVEALING_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'forwarded',
  'forwarded-for',
  'forwarded-for-ip',
  'x-forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-server',
  'x-forwarded-port',
  'x-real-ip',
  'client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'true-client-ip',
  'proxy-connection',
  'proxy-authorization',
  'proxy-client-ip',
  'wl-proxy-client-ip',
  'x-proxy-id',
  'x-proxy-connection',
  'x-bluecoat-via',
  'x-cache',
  'x-cache-lookup',
  'xroxy-connection',
  'x-coming-from',
  'coming-from',
  'x-host',
  'useragent-via',
]);
const REVEALING_PATTERN = /proxy|forwarded|-via$|client-ip|real-ip|originating/;

/** transparent: own address visible anywhere; anonymous: proxy headers added; elite: neither. */
export function classifyAnonymity(input: AnonymityInput): Anonymity {
  const own = ownSet(input.ownIps);
  const added = Object.entries(input.headers).filter(
    ([name, value]) => value !== undefined && !sentByUs(name.toLowerCase(), value, input.sentHeaders),
  );
  if (own.has(canonicalIp(input.remoteAddr))) return 'transparent';
  for (const [, value] of added) {
    for (const token of ipTokens(value)) if (own.has(token)) return 'transparent';
  }
  return added.some(([name]) => isRevealing(name.toLowerCase())) ? 'anonymous' : 'elite';
}

/** The checker's own addresses change rarely (the same array until a refresh): their set is built once per array. */
let lastOwn: { ips: readonly string[]; set: ReadonlySet<string> } | undefined;

function ownSet(ips: readonly string[]): ReadonlySet<string> {
  if (lastOwn?.ips !== ips) lastOwn = { ips, set: new Set(ips.map(canonicalIp)) };
  return lastOwn.set;
}

export function isRevealing(name: string): boolean {
  return REVEALING_HEADERS.has(name) || REVEALING_PATTERN.test(name);
}

function sentByUs(name: string, value: string | string[] | undefined, sent: AnonymityInput['sentHeaders']): boolean {
  if (name === 'host') return true;
  return sent !== undefined && sent[name] === value;
}

function ipTokens(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text
    .split(/[^0-9a-fA-F.:]+/)
    .filter((token) => token.length >= 2)
    .map(canonicalIp);
}

/** Lower-case, IPv4-mapped IPv6 as IPv4, `a.b.c.d:port` without the port. */
function canonicalIp(address: string): string {
  const bare = normalizeAddress(address.trim().toLowerCase());
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(bare);
  return withPort?.[1] ?? bare;
}
