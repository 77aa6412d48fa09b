import { isIP } from 'node:net';
import { bytes, type Parse, type SocketReader } from './socket-reader.js';
import { authority, proxyAuthorization, type Target, type Upstream } from './upstream.js';
import { UpstreamFailure } from './upstream-failure.js';
import { socks5Address, socks5ReplyAddressRest } from '@proxy-pool/checkers';

type Write = (data: Buffer | string) => void;

/** The status line and header block of an HTTP reply (its body, if any, is left in the buffer). */
const responseHead: Parse<number> = (buffer) => {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(buffer.subarray(0, Math.min(end, 64)).toString('latin1'));
  if (!status) throw new UpstreamFailure('handshake', 'upstream answered CONNECT with something other than HTTP');
  return { value: Number(status[1]), used: end + 4 };
};

/** HTTP CONNECT through an http/https proxy (with Basic credentials when it has some). */
export async function httpConnect(
  write: Write,
  reader: SocketReader,
  upstream: Upstream,
  target: Target,
): Promise<void> {
  const auth = proxyAuthorization(upstream);
  write(
    `CONNECT ${authority(target)} HTTP/1.1\r\nHost: ${authority(target)}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`,
  );
  const status = await reader.read('CONNECT reply', responseHead);
  if (status === 407) throw new UpstreamFailure('auth', 'upstream refused its credentials (407)');
  if (status < 200 || status > 299) throw new UpstreamFailure('refused', `upstream refused CONNECT with ${status}`);
}

/** SOCKS4 CONNECT, or SOCKS4a (the upstream resolves the name) when the target is a host name. */
export async function socks4Connect(
  write: Write,
  reader: SocketReader,
  upstream: Upstream,
  target: Target,
): Promise<void> {
  const family = isIP(target.host);
  if (family === 6) throw new UpstreamFailure('refused', 'SOCKS4 cannot reach an IPv6 address');
  const address = family === 4 ? target.host.split('.').map(Number) : [0, 0, 0, 1];
  const name = family === 4 ? [] : [...Buffer.from(target.host), 0];
  write(
    Buffer.from([
      4,
      1,
      target.port >> 8,
      target.port & 255,
      ...address,
      ...Buffer.from(upstream.username ?? ''),
      0,
      ...name,
    ]),
  );
  const reply = await reader.read('SOCKS4 reply', bytes(8));
  if (reply[1] !== 0x5a)
    throw new UpstreamFailure('refused', `SOCKS4 request rejected (code 0x${(reply[1] ?? 0).toString(16)})`);
}

/** SOCKS5 CONNECT, with RFC 1929 username/password when the upstream has credentials; names go unresolved. */
export async function socks5Connect(
  write: Write,
  reader: SocketReader,
  upstream: Upstream,
  target: Target,
): Promise<void> {
  const credentials =
    upstream.username === null ? undefined : { username: upstream.username, password: upstream.password ?? '' };
  write(Buffer.from(credentials ? [5, 2, 0, 2] : [5, 1, 0]));
  const [version, method] = await reader.read('SOCKS5 greeting reply', bytes(2));
  if (version !== 5) throw new UpstreamFailure('handshake', 'not a SOCKS5 proxy');
  if (method === 2 && credentials) {
    const username = Buffer.from(credentials.username);
    const password = Buffer.from(credentials.password);
    write(Buffer.concat([Buffer.from([1, username.length]), username, Buffer.from([password.length]), password]));
    const [, status] = await reader.read('SOCKS5 auth reply', bytes(2));
    if (status !== 0) throw new UpstreamFailure('auth', 'upstream SOCKS5 authentication failed');
  } else if (method !== 0) {
    throw new UpstreamFailure('auth', 'upstream SOCKS5 accepts none of our auth methods');
  }
  write(
    Buffer.concat([
      Buffer.from([5, 1, 0]),
      socks5Address(target.host),
      Buffer.from([target.port >> 8, target.port & 255]),
    ]),
  );
  const head = await reader.read('SOCKS5 connect reply', bytes(5));
  if (head[1] !== 0)
    throw new UpstreamFailure('refused', `upstream SOCKS5 connect failed (code 0x${(head[1] ?? 1).toString(16)})`);
  const rest = socks5ReplyAddressRest(head);
  if (rest < 0) throw new UpstreamFailure('handshake', 'upstream SOCKS5 reply has an unknown address type');
  await reader.read('SOCKS5 connect reply', bytes(rest));
}
