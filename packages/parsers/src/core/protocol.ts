import type { ProxyProtocol } from '@proxy-pool/plugin-contracts';

const ALIASES: ReadonlyMap<string, ProxyProtocol> = new Map([
  ['http', 'http'],
  ['https', 'https'],
  ['socks4', 'socks4'],
  ['socks4a', 'socks4'],
  ['socks5', 'socks5'],
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
