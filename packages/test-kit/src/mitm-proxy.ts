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

/** A CONNECT tunnel that ends here: TLS terminated with `identity`, a fresh TLS connection to the target. */
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
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) client.unshift(head);
  const secure = new TLSSocket(client, { isServer: true, key: identity.key, cert: identity.cert });
  const raw = netConnect({ host: match[1], port: Number(match[2]), localAddress: exitAddress });
  const upstream = tlsConnect({ socket: raw, rejectUnauthorized: false });
  upstream.once('close', () => raw.destroy());
  linkSockets(secure, upstream);
}
