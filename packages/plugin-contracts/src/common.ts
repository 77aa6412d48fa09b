export const PROXY_PROTOCOLS = ['http', 'https', 'socks4', 'socks5'] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number];

export const ANONYMITY_LEVELS = ['transparent', 'anonymous', 'elite'] as const;
export type Anonymity = (typeof ANONYMITY_LEVELS)[number];

export function isProxyProtocol(value: unknown): value is ProxyProtocol {
  return typeof value === 'string' && (PROXY_PROTOCOLS as readonly string[]).includes(value);
}
