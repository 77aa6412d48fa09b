import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CheckTarget } from '@proxy-pool/plugin-contracts';
import { describeCheckerContract } from '@proxy-pool/plugin-contracts/testing';
import { deadPort, forwardProxy, socks4Server, socks5Server, startProxyFleet } from '@proxy-pool/test-kit';
import type { ServerHandle } from '@proxy-pool/test-kit';
import { createHttpAnonymityChecker } from '../src/index.js';
import { contextFor, EXIT_IP, OWN_IP, SECRET, startJudge } from './harness.js';
import type { Judge } from './harness.js';

const dead = await deadPort();
const contractChecker = createHttpAnonymityChecker({
  judgeUrl: 'http://127.0.0.1:9/judge',
  secret: SECRET,
  ownIps: () => [OWN_IP],
});
describeCheckerContract(contractChecker, {
  unreachable: { id: 'dead', ip: dead.host, port: dead.port, protocol: 'http' },
});

const credentials = { username: 'alice', password: 'pa:ss' };
let judge: Judge;
const servers: ServerHandle[] = [];

async function serve<T extends ServerHandle>(started: Promise<T>): Promise<T> {
  servers.push(await started);
  return started;
}

function check(target: Omit<CheckTarget, 'id'>, judgeUrl = judge.judgeUrl) {
  return createHttpAnonymityChecker({ judgeUrl, secret: SECRET, ownIps: () => [OWN_IP] }).check(contextFor(target));
}

beforeAll(async () => {
  judge = await startJudge();
});
afterAll(async () => {
  await Promise.all([...servers.map((server) => server.close()), judge.close()]);
});

describe('http_anonymity through working proxies', () => {
  it.each([
    ['elite', 'elite'],
    ['anonymous', 'anonymous'],
    ['transparent', 'transparent'],
  ] as const)('classifies an HTTP proxy that behaves %s and reports its exit IP', async (kind, expected) => {
    const proxy = await serve(forwardProxy({ kind, exitAddress: EXIT_IP }));
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol: 'http' });
    expect(outcome).toMatchObject({
      passed: true,
      detail: `${expected} proxy, exit IP ${EXIT_IP}`,
      facts: { exitIp: EXIT_IP, anonymity: expected },
    });
    expect(outcome.latencyMs).toEqual(expect.any(Number));
    expect(proxy.stats.requests).toBe(1);
  });

  it('reports a proxy that exits from the checker own address as transparent', async () => {
    const proxy = await serve(forwardProxy({ kind: 'elite' }));
    expect((await check({ ip: proxy.host, port: proxy.port, protocol: 'http' })).facts).toEqual({
      exitIp: OWN_IP,
      anonymity: 'transparent',
    });
  });

  it('uses CONNECT for https proxies, which hides added headers', async () => {
    const proxy = await serve(forwardProxy({ kind: 'anonymous', exitAddress: EXIT_IP }));
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol: 'https' });
    expect(outcome).toMatchObject({ passed: true, facts: { exitIp: EXIT_IP, anonymity: 'elite' } });
    expect(proxy.stats).toMatchObject({ requests: 0, connects: 1 });
  });

  it('sends Proxy-Authorization to HTTP and CONNECT proxies that demand it', async () => {
    const proxy = await serve(forwardProxy({ kind: 'elite', auth: credentials, exitAddress: EXIT_IP }));
    const target = { ip: proxy.host, port: proxy.port, ...credentials };
    expect(await check({ ...target, protocol: 'http' })).toMatchObject({ passed: true, facts: { anonymity: 'elite' } });
    expect(await check({ ...target, protocol: 'https' })).toMatchObject({ passed: true });
    const wrong = { ...target, password: 'nope' };
    expect(await check({ ...wrong, protocol: 'http' })).toMatchObject({ passed: false, detail: 'proxy answered 407' });
    expect(await check({ ...wrong, protocol: 'https' })).toMatchObject({
      passed: false,
      detail: 'CONNECT refused: proxy answered 407',
    });
  });

  it('speaks SOCKS4 to an IP judge and SOCKS4a to a named one', async () => {
    const proxy = await serve(socks4Server({ exitAddress: EXIT_IP }));
    const target = { ip: proxy.host, port: proxy.port, protocol: 'socks4' } as const;
    expect(await check(target)).toMatchObject({ passed: true, facts: { exitIp: EXIT_IP, anonymity: 'elite' } });
    const named = judge.judgeUrl.replace('127.0.0.1', 'localhost');
    expect(await check(target, named)).toMatchObject({ passed: true, facts: { exitIp: EXIT_IP } });
    expect(proxy.stats.connects).toBe(2);
  });

  it('speaks SOCKS5 without and with username/password authentication', async () => {
    const open = await serve(socks5Server({ exitAddress: EXIT_IP }));
    expect(await check({ ip: open.host, port: open.port, protocol: 'socks5' })).toMatchObject({
      passed: true,
      facts: { exitIp: EXIT_IP },
    });
    const locked = await serve(socks5Server({ auth: credentials, exitAddress: EXIT_IP }));
    const target = { ip: locked.host, port: locked.port, protocol: 'socks5' } as const;
    expect(await check({ ...target, ...credentials })).toMatchObject({
      passed: true,
      facts: { exitIp: EXIT_IP, anonymity: 'elite' },
    });
    expect(await check({ ...target, ...credentials, password: 'bad' })).toMatchObject({
      passed: false,
      detail: 'SOCKS5 authentication failed',
    });
    expect(await check(target)).toMatchObject({ passed: false, detail: 'SOCKS5 proxy requires authentication' });
    expect(locked.stats).toEqual({ connects: 1, authFailures: 1 });
  });

  it('keeps hundreds of checks in flight at once', async () => {
    const fleet = await startProxyFleet(40, 'elite', { hosts: 'spread', exitAddress: EXIT_IP });
    servers.push(...fleet.proxies);
    const checker = createHttpAnonymityChecker({ judgeUrl: judge.judgeUrl, secret: SECRET, ownIps: () => [OWN_IP] });
    const targets = Array.from({ length: 10 }, () => fleet.proxies).flat();
    const outcomes = await Promise.all(
      targets.map((proxy) =>
        checker.check(contextFor({ ip: proxy.host, port: proxy.port, protocol: 'http' }, { totalTimeoutMs: 10_000 })),
      ),
    );
    expect(outcomes).toHaveLength(400);
    expect(outcomes.filter((outcome) => !outcome.passed)).toEqual([]);
  });
});
