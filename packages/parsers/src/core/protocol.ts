import { PROXY_PROTOCOLS, type ProxyProtocol } from '@proxy-pool/plugin-contracts';

/** Our protocols by their own names, plus the variants lists write (`socks4a`, `socks5h`: the same handshakes). */
const ALIASES: ReadonlyMap<string, ProxyProtocol> = new Map([
  ...PROXY_PROTOCOLS.map((protocol) => [protocol, protocol] as const),
  ['socks4a', 'socks4'],
  ['socks5h', 'socks5'],
]);

/**
 * Maps a protocol as lists write it (`HTTP`, `socks5h`, …) to ours. Empty or missing → the fallback
 * (the source's default protocol); anything else unknown → null, so the entry is skipped.
 */
export function normalizeProtocol(value: string | undefined, fallback: ProxyProtocol): ProxyProtocol | null {
  const key = value?.trim().toLowerCase() ?? '';
  if (key === '') return fallback;
  return ALIASES.get(key) ?? null;
}
