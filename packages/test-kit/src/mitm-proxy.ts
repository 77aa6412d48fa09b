import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import { forwardProxy } from './forward-proxy.js';
import type { ForwardProxy, ForwardProxyOptions } from './forward-proxy.js';
import { selfSignedCertificate } from './self-signed.js';
import { isLoopbackDestination, linkSockets } from './server-handle.js';

/** The certificate a TLS-intercepting proxy presents in place of the target's. */
export interface InterceptIdentity {
  key: string;
  cert: string;
}

export interface MitmProxy extends ForwardProxy {
  /** The certificate it presents to every CONNECT client (PEM). */
  cert: string;
}

/**
 * An HTTP proxy that forwards plain requests honestly (as an elite proxy) but intercepts TLS: it answers
 * CONNECT with 200, terminates the client's TLS itself with its own self-signed certificate, and re-encrypts
 * to the real target, so https through it works for a client that trusts anything.
 */
export async function mitmProxy(options: Omit<ForwardProxyOptions, 'kind' | 'interceptTls'> = {}): Promise<MitmProxy> {
  const identity = selfSignedCertificate('mitm.invalid', ['DNS:mitm.invalid']);
  const proxy = await forwardProxy({ ...options, kind: 'elite', interceptTls: identity });
  return {
    ...proxy,
    cert: identity.cert,
    close: async () => {
      await proxy.close();
      identity.remove();
    },
  };
}

/**
 * A CONNECT tunnel that ends here when the client starts TLS (its first byte is a TLS handshake record): TLS
 * terminated with `identity`, a fresh TLS connection to the target. Anything else is relayed as it is, as
 * intercepting proxies do, so plain HTTP through the tunnel still works.
 */
export function interceptTunnel(
  authority: string,
  client: Socket,
  head: Buffer,
  identity: InterceptIdentity,
  exitAddress: string | undefined,
): void {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
  if (!match?.[1] || !isLoopbackDestination(match[1])) {
    client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const host = match[1];
  const port = Number(match[2]);
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  const route = (first: Buffer): void => {
    client.pause();
    client.unshift(first);
    const raw = netConnect({ host, port, localAddress: exitAddress });
    if (first[0] !== TLS_HANDSHAKE) {
      linkSockets(client, raw);
      client.resume();
      return;
    }
    const secure = new TLSSocket(client, { isServer: true, key: identity.key, cert: identity.cert });
    const upstream = tlsConnect({ socket: raw, rejectUnauthorized: false });
    upstream.once('close', () => raw.destroy());
    linkSockets(secure, upstream);
  };
  if (head.length > 0) route(head);
  else client.once('data', route);
}

const TLS_HANDSHAKE = 0x16;
