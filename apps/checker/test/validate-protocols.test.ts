import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { forwardProxy, socks4Server, socks5Server, type ServerHandle } from '@proxy-pool/test-kit';
import { createCheckerWorld, type CheckerWorld } from './support/harness.js';

const EXIT = '127.0.0.9';
const CREDS = { username: 'alice', password: 's3cret' };

let world: CheckerWorld;
const servers: ServerHandle[] = [];
const serve = async <T extends ServerHandle>(server: Promise<T>): Promise<T> => {
  const started = await server;
  servers.push(started);
  return started;
};

beforeAll(async () => {
  world = await createCheckerWorld();
  await world.startChecker();
});

afterAll(async () => {
  await world?.close();
  await Promise.all(servers.map((server) => server.close()));
});

async function validateOne(input: Parameters<CheckerWorld['addProxy']>[0]) {
  const id = await world.addProxy(input);
  const result = await world.validate([id]);
  const proxy = await world.db.proxy.findUniqueOrThrow({ where: { id } });
  return { id, result, proxy, checks: await world.checkRows(id) };
}

describe('the validate worker on working proxies', () => {
  it.each([
    ['elite', 'elite'],
    ['anonymous', 'anonymous'],
    ['transparent', 'transparent'],
  ] as const)('classifies a %s HTTP proxy as %s with the exit IP the judge saw', async (kind, expected) => {
    const proxy = await serve(forwardProxy({ kind, exitAddress: EXIT }));
    const { result, proxy: row, checks } = await validateOne({ port: proxy.port, protocol: 'http' });
    expect(result).toEqual({ checked: 1, active: 1, dead: 0 });
    expect(row).toMatchObject({
      status: 'active',
      anonymity: expected,
      exitIp: EXIT,
      consecutiveFailures: 0,
      checksTotal: 1,
      checksPassed: 1,
    });
    // Checkers of one stage are listed by name: they finish within the same millisecond.
    const byStage = checks.map((check) => [check.checker_name, check.stage, check.passed] as const);
    expect(byStage.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))).toEqual([
      ['tcp_connect', 1, true],
      ['http_anonymity', 2, true],
      ['exit_network', 3, true],
      ['geoip', 3, true],
      ['tls_integrity', 4, true],
    ]);
    expect(checks[1]!.detail).toBe(`${expected} proxy, exit IP ${EXIT}`);
    expect(row.lastCheckedAt).not.toBeNull();
    expect(row.nextCheckAt.getTime()).toBeGreaterThan(Date.now() + 3 * 60_000);
  });

  it('tunnels through an https (CONNECT) proxy, with credentials when it demands them', async () => {
    const open = await serve(forwardProxy({ kind: 'elite', exitAddress: EXIT }));
    const guarded = await serve(forwardProxy({ kind: 'elite', exitAddress: '127.0.0.10', auth: CREDS }));
    expect((await validateOne({ port: open.port, protocol: 'https' })).proxy).toMatchObject({
      status: 'active',
      anonymity: 'elite',
      exitIp: EXIT,
    });
    expect((await validateOne({ port: guarded.port, protocol: 'https', ...CREDS })).proxy).toMatchObject({
      status: 'active',
      exitIp: '127.0.0.10',
    });
    // One tunnel to the judge (http_anonymity), one to its TLS listener (tls_integrity).
    expect(open.stats.connects).toBe(2);
  });

  it('passes SOCKS4 and SOCKS5 proxies and reports their exit IP', async () => {
    const socks4 = await serve(socks4Server({ exitAddress: '127.0.0.11' }));
    const socks5 = await serve(socks5Server({ exitAddress: '127.0.0.12' }));
    expect((await validateOne({ port: socks4.port, protocol: 'socks4' })).proxy).toMatchObject({
      status: 'active',
      anonymity: 'elite',
      exitIp: '127.0.0.11',
    });
    expect((await validateOne({ port: socks5.port, protocol: 'socks5' })).proxy).toMatchObject({
      status: 'active',
      anonymity: 'elite',
      exitIp: '127.0.0.12',
    });
  });

  it('authenticates to a SOCKS5 proxy and fails with bad or missing credentials', async () => {
    const socks5 = await serve(socks5Server({ exitAddress: '127.0.0.13', auth: CREDS }));
    expect((await validateOne({ port: socks5.port, protocol: 'socks5', ...CREDS })).proxy).toMatchObject({
      status: 'active',
      exitIp: '127.0.0.13',
    });
    const other = await serve(socks5Server({ exitAddress: '127.0.0.13', auth: CREDS }));
    const wrong = await validateOne({ port: other.port, protocol: 'socks5', username: 'alice', password: 'wrong' });
    const third = await serve(socks5Server({ exitAddress: '127.0.0.13', auth: CREDS }));
    const missing = await validateOne({ port: third.port, protocol: 'socks5' });
    for (const failed of [wrong, missing]) {
      expect(failed.proxy.status).toBe('dead');
      expect(failed.checks.map((check) => [check.checker_name, check.passed])).toEqual([
        ['tcp_connect', true],
        ['http_anonymity', false],
      ]);
    }
    expect(wrong.checks[1]!.detail).toMatch(/auth/i);
    expect(missing.checks[1]!.detail).toMatch(/auth|method/i);
    expect(other.stats.authFailures).toBeGreaterThanOrEqual(1);
  });

  it('fails an https proxy given the wrong password (407 on CONNECT)', async () => {
    const guarded = await serve(forwardProxy({ kind: 'elite', exitAddress: EXIT, auth: CREDS }));
    const { proxy, checks } = await validateOne({
      port: guarded.port,
      protocol: 'http',
      username: 'alice',
      password: 'nope',
    });
    expect(proxy.status).toBe('dead');
    expect(checks[1]!.detail).toMatch(/407/);
  });
});
