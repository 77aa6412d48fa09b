import { blackHole, deadPort, forwardProxy, socks4Server, socks5Server } from '@proxy-pool/test-kit';

export type Expect = { protocol: string; status: 'active' | 'failed'; anonymity?: string; exitIp?: string };
export const at = (ip: string, port: number) => `${ip}:${port}`;

/** The proxies of the pipeline test's lists and what each must become, by `ip:port`. */
export interface ListedWorld {
  servers: Array<{ close: () => Promise<void> }>;
  expected: Map<string, Expect>;
  /** The same proxies split over three list formats (socks5 with credentials in the plaintext one). */
  bodies: { plain: string; json: string; csv: string };
}

/**
 * `perKind` of each working kind (elite, anonymous and transparent http, https, socks4, socks5 with a password),
 * each exiting by its own 127.0.x.y address, plus `failingEach` dead ports and black holes.
 */
export async function listedWorld(perKind: number, failingEach: number, socksPassword: string): Promise<ListedWorld> {
  const servers: ListedWorld['servers'] = [];
  const expected = new Map<string, Expect>();
  const lines: Array<{ scheme: string; host: string; port: number; auth?: string }> = [];
  let n = 10;
  for (const kind of ['elite', 'anonymous', 'transparent'] as const) {
    for (let i = 0; i < perKind; i += 1) {
      const exit = `127.0.${n}.${i + 2}`;
      const proxy = await forwardProxy({ kind, exitAddress: exit });
      servers.push(proxy);
      lines.push({ scheme: 'http', host: proxy.host, port: proxy.port });
      expected.set(at(proxy.host, proxy.port), { protocol: 'http', status: 'active', anonymity: kind, exitIp: exit });
    }
    n += 1;
  }
  for (let i = 0; i < perKind; i += 1) {
    const exit = `127.0.20.${i + 2}`;
    const proxy = await forwardProxy({ kind: 'elite', exitAddress: exit });
    servers.push(proxy);
    lines.push({ scheme: 'https', host: proxy.host, port: proxy.port });
    expected.set(at(proxy.host, proxy.port), { protocol: 'https', status: 'active', exitIp: exit });
  }
  for (let i = 0; i < perKind; i += 1) {
    const exit = `127.0.21.${i + 2}`;
    const proxy = await socks4Server({ exitAddress: exit });
    servers.push(proxy);
    lines.push({ scheme: 'socks4', host: proxy.host, port: proxy.port });
    expected.set(at(proxy.host, proxy.port), { protocol: 'socks4', status: 'active', exitIp: exit });
  }
  for (let i = 0; i < perKind; i += 1) {
    const exit = `127.0.22.${i + 2}`;
    const proxy = await socks5Server({ exitAddress: exit, auth: { username: 'user', password: socksPassword } });
    servers.push(proxy);
    lines.push({ scheme: 'socks5', host: proxy.host, port: proxy.port, auth: `user:${socksPassword}@` });
    expected.set(at(proxy.host, proxy.port), { protocol: 'socks5', status: 'active', exitIp: exit });
  }
  for (let i = 0; i < failingEach; i += 1) {
    const dead = await deadPort();
    lines.push({ scheme: 'http', host: dead.host, port: dead.port });
    expected.set(at(dead.host, dead.port), { protocol: 'http', status: 'failed' });
  }
  for (let i = 0; i < failingEach; i += 1) {
    const hole = await blackHole();
    servers.push(hole);
    lines.push({ scheme: i % 2 === 0 ? 'http' : 'socks5', host: hole.host, port: hole.port });
    expected.set(at(hole.host, hole.port), { protocol: i % 2 === 0 ? 'http' : 'socks5', status: 'failed' });
  }
  lines.sort((a, b) => (b.auth ? 1 : 0) - (a.auth ? 1 : 0));
  const third = Math.ceil(lines.length / 3);
  const plain = lines
    .slice(0, third)
    .map((l) => `${l.scheme}://${l.auth ?? ''}${l.host}:${l.port}`)
    .join('\n');
  const json = JSON.stringify({
    data: lines.slice(third, 2 * third).map((l) => ({ ip: l.host, port: l.port, protocol: l.scheme })),
  });
  const csv = ['ip,port,protocol', ...lines.slice(2 * third).map((l) => `${l.host},${l.port},${l.scheme}`)].join('\n');
  // socks5 with auth must be in the plaintext part (URL credentials): keep them there.
  if (lines.slice(third).some((l) => l.auth)) throw new Error('socks5 credentials outside the plaintext list');
  return { servers, expected, bodies: { plain, json, csv } };
}
