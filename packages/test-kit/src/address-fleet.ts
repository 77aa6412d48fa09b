import { forwardProxy } from './forward-proxy.js';
import type { ForwardProxy } from './forward-proxy.js';

/** Addresses per /16 of the address fleet: 256 third octets × 250 fourth octets (1–250). */
const PER_SECOND_OCTET = 256 * 250;

/** Proxy `index` of an address fleet: 127.1.0.1, 127.1.0.2, … (127.0.x.y is left to fleetHost). */
export function addressFleetHost(index: number): string {
  const second = 1 + Math.floor(index / PER_SECOND_OCTET);
  const third = Math.floor(index / 250) % 256;
  return `127.${second}.${third}.${1 + (index % 250)}`;
}

/**
 * Asked for as the accept queue's length; the kernel caps it at net.core.somaxconn (4096 on the development
 * machine). With Node's default 511, thousands of connects at once to one listener overflowed the queue: the
 * dropped SYNs were retried after 1 s and 3 s, and healthy proxies failed the checker's 2 s connect timeout.
 */
const ACCEPT_QUEUE = 65_535;

/**
 * Any number of elite forward proxies from one listening socket: every 127.x.y.z on the returned port is a
 * proxy of its own (addressFleetHost(i) names them), exiting by its own address, so a judge sees each one's
 * IP. startProxyFleet spends a listening socket (and an agent) on each proxy, which caps a fleet at a few
 * thousand within one process's descriptors. Linux cannot bind all of 127.0.0.0/8 at once, so this listens on
 * the wildcard address and serves only connections that arrived on a loopback address.
 */
export function startAddressFleet(): Promise<ForwardProxy> {
  return forwardProxy({ kind: 'elite', host: '0.0.0.0', exitByConnectedAddress: true, backlog: ACCEPT_QUEUE });
}
