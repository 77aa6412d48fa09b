import { isIP } from 'node:net';
import { CheckFailure, ConnectRefused } from './check-failure.js';
import type { Exchange, Parse } from './exchange.js';
import { responseHead } from './http-response.js';
import { socks5Address, socks5ReplyAddressRest } from './socks-address.js';
import type { JudgeTarget } from './judge-target.js';
import type { CheckTarget } from '@proxy-pool/plugin-contracts';

export interface Credentials {
  username: string;
  password: string;
}

function bytes(count: number): Parse<Buffer> {
  return (buffer) => (buffer.length >= count ? { value: buffer.subarray(0, count), used: count } : undefined);
}

export function basicProxyAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export function credentialsOf(target: CheckTarget): Credentials | undefined {
  if (target.username === undefined || target.username === null || target.username === '') return undefined;
  return { username: target.username, password: target.password ?? '' };
}

/**
 * Opens a tunnel through the connected proxy to `judge` in the proxy's own protocol: CONNECT for http(s)
 * proxies, the SOCKS4/4a or SOCKS5 handshake for socks ones.
 */
export async function openTunnel(exchange: Exchange, target: CheckTarget, judge: JudgeTarget): Promise<void> {
  const credentials = credentialsOf(target);
  if (target.protocol === 'socks4') await socks4Connect(exchange, judge, target.username ?? '');
  else if (target.protocol === 'socks5') await socks5Connect(exchange, judge, credentials);
  else await httpConnect(exchange, judge, credentials);
}

/** HTTP CONNECT to the judge; the tunnel is open when this resolves. */
export async function httpConnect(
  exchange: Exchange,
  judge: JudgeTarget,
  credentials: Credentials | undefined,
): Promise<void> {
  const auth = credentials ? `Proxy-Authorization: ${basicProxyAuthorization(credentials)}\r\n` : '';
  exchange.write(`CONNECT ${judge.authority} HTTP/1.1\r\nHost: ${judge.authority}\r\n${auth}\r\n`);
  const head = await exchange.read('CONNECT reply', responseHead('CONNECT reply'));
  if (head.status < 200 || head.status > 299) throw new ConnectRefused(head.status);
  if (exchange.pendingBytes() > 0) {
    throw new CheckFailure(
      `proxy answered CONNECT with ${head.status} ${head.headers.get('content-type') ?? 'and'} content instead of a tunnel`,
    );
  }
}

/** SOCKS4 CONNECT, or SOCKS4a when the judge is a host name. */
export async function socks4Connect(exchange: Exchange, judge: JudgeTarget, userId: string): Promise<void> {
  const family = isIP(judge.host);
  if (family === 6) throw new CheckFailure('SOCKS4 cannot reach an IPv6 judge');
  const address = family === 4 ? judge.host.split('.').map(Number) : [0, 0, 0, 1];
  const hostName = family === 4 ? [] : [...Buffer.from(judge.host), 0];
  exchange.write(
    Buffer.from([4, 1, judge.port >> 8, judge.port & 255, ...address, ...Buffer.from(userId), 0, ...hostName]),
  );
  const reply = await exchange.read('SOCKS4 reply', bytes(8));
  if (reply[0] !== 0 && reply[0] !== 4) throw new CheckFailure(`not a SOCKS4 proxy (reply starts 0x${hex(reply[0])})`);
  if (reply[1] !== 0x5a) throw new CheckFailure(`SOCKS4 request rejected (code 0x${hex(reply[1])})`);
}

const SOCKS5_ERRORS: Record<number, string> = {
  1: 'general failure',
  2: 'not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** SOCKS5 CONNECT with no auth, or RFC 1929 username/password when the target has credentials. */
export async function socks5Connect(
  exchange: Exchange,
  judge: JudgeTarget,
  credentials: Credentials | undefined,
): Promise<void> {
  exchange.write(Buffer.from(credentials ? [5, 2, 0, 2] : [5, 1, 0]));
  const [version, method] = await exchange.read('SOCKS5 greeting reply', bytes(2));
  if (version !== 5) throw new CheckFailure(`not a SOCKS5 proxy (reply starts 0x${hex(version)})`);
  if (method === 0xff)
    throw new CheckFailure(
      credentials ? 'SOCKS5 proxy accepts none of our auth methods' : 'SOCKS5 proxy requires authentication',
    );
  if (method === 2) {
    if (!credentials) throw new CheckFailure('SOCKS5 proxy requires authentication');
    const username = Buffer.from(credentials.username);
    const password = Buffer.from(credentials.password);
    exchange.write(
      Buffer.concat([Buffer.from([1, username.length]), username, Buffer.from([password.length]), password]),
    );
    const [, status] = await exchange.read('SOCKS5 auth reply', bytes(2));
    if (status !== 0) throw new CheckFailure('SOCKS5 authentication failed');
  } else if (method !== 0) {
    throw new CheckFailure(`SOCKS5 proxy chose unsupported auth method 0x${hex(method)}`);
  }
  exchange.write(
    Buffer.concat([
      Buffer.from([5, 1, 0]),
      socks5Address(judge.host),
      Buffer.from([judge.port >> 8, judge.port & 255]),
    ]),
  );
  const head = await exchange.read('SOCKS5 connect reply', bytes(5));
  if (head[1] !== 0)
    throw new CheckFailure(`SOCKS5 connect failed: ${SOCKS5_ERRORS[head[1] ?? 1] ?? `code 0x${hex(head[1])}`}`);
  const rest = socks5ReplyAddressRest(head);
  if (rest < 0) throw new CheckFailure(`SOCKS5 reply has unknown address type 0x${hex(head[3])}`);
  await exchange.read('SOCKS5 connect reply', bytes(rest));
}

function hex(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, '0');
}
