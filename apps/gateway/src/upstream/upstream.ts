import type { ProxyEndpoint } from '@proxy-pool/db';

/** A proxy of the pool as the gateway dials it. */
export type Upstream = ProxyEndpoint;

/** Where the client wants to go: a host name (resolved by the upstream where its protocol allows) or address. */
export interface Target {
  host: string;
  port: number;
}

/** `host:port`, IPv6 in brackets, as CONNECT and Host want it. */
export function authority(target: Target): string {
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

export function proxyAuthorization(upstream: Upstream): string | undefined {
  if (upstream.username === null) return undefined;
  return `Basic ${Buffer.from(`${upstream.username}:${upstream.password ?? ''}`).toString('base64')}`;
}
