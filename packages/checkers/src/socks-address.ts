import { isIP } from 'node:net';

/** A SOCKS5 DST.ADDR field: ATYP 1 (IPv4), 4 (IPv6) or 3 (a name the proxy resolves), then the address. */
export function socks5Address(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([1, ...host.split('.').map(Number)]);
  if (family === 6) return Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]);
  const name = Buffer.from(host);
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

/** The 16 bytes of an IPv6 address written with or without `::`. */
function ipv6Bytes(address: string): Buffer {
  const [left = '', right = ''] = address.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(left);
  const tail = address.includes('::') ? groups(right) : [];
  const all = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return Buffer.from(all.flatMap((group) => [Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 255]));
}

/** How many bytes of a SOCKS5 reply's BND.ADDR follow its fifth byte (ATYP at [3], a name's length at [4]), or -1. */
export function socks5ReplyAddressRest(head: Buffer): number {
  const addressLength = head[3] === 1 ? 4 : head[3] === 4 ? 16 : head[3] === 3 ? 1 + (head[4] ?? 0) : -1;
  return addressLength < 0 ? -1 : addressLength + 2 - 1;
}
