import { forwardProxy } from './forward-proxy.js';
import type { ForwardProxyKind, ProxyCredentials } from './forward-proxy.js';
import { socks4Server } from './socks4-server.js';
import { socks5Server } from './socks5-server.js';
import type { ServerHandle } from './server-handle.js';

export type FleetKind = ForwardProxyKind | 'socks4' | 'socks5';

export interface FleetOptions {
  /** `single`: every proxy on 127.0.0.1; `spread`: proxy i on its own address 127.0.(1 + i/250).(1 + i%250). */
  hosts?: 'single' | 'spread';
  exitAddress?: string;
  auth?: ProxyCredentials;
}

export interface ProxyFleet {
  proxies: ServerHandle[];
  close(): Promise<void>;
}

export function fleetHost(index: number): string {
  return `127.0.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`;
}

/** Starts `count` proxies of one kind, a few at a time so thousands start without exhausting anything. */
export async function startProxyFleet(count: number, kind: FleetKind, options: FleetOptions = {}): Promise<ProxyFleet> {
  const proxies: ServerHandle[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
  };
  try {
    for (let start = 0; start < count; start += 64) {
      const batch = Array.from({ length: Math.min(64, count - start) }, (_, offset) =>
        startOne(kind, start + offset, options),
      );
      proxies.push(...(await Promise.all(batch)));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { proxies, close };
}

function startOne(kind: FleetKind, index: number, options: FleetOptions): Promise<ServerHandle> {
  const host = options.hosts === 'spread' ? fleetHost(index) : undefined;
  const common = { host, exitAddress: options.exitAddress };
  if (kind === 'socks4') return socks4Server(common);
  if (kind === 'socks5') return socks5Server({ ...common, auth: options.auth });
  return forwardProxy({ ...common, kind, auth: options.auth });
}
