import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { blackHole, cannedPage, deadPort, errorProxy, forwardProxy, type ServerHandle } from '@proxy-pool/test-kit';
import { createCheckerWorld, type CheckerWorld } from './support/harness.js';

let world: CheckerWorld;
const servers: Array<{ close(): Promise<void> }> = [];
const serve = async <T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> => {
  const started = await server;
  servers.push(started);
  return started;
};

beforeAll(async () => {
  world = await createCheckerWorld({ LATENCY_CEILING_MS: '1000', DEAD_AFTER_FAILURES: '3' });
  await world.startChecker();
});

afterAll(async () => {
  await world?.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** A port that relays to `upstream` while up, and hangs up on every connection while down. */
async function switchable(upstream: ServerHandle): Promise<{ port: number; up: boolean; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { up: true };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!state.up) return void client.destroy();
    const relay = connect({ host: upstream.host, port: upstream.port });
    relay.on('error', () => client.destroy());
    client.once('close', () => relay.destroy());
    relay.once('close', () => client.destroy());
    client.pipe(relay).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return Object.assign(state, {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

async function validated(id: string) {
  const result = await world.validate([id]);
  return {
    result,
    proxy: await world.db.proxy.findUniqueOrThrow({ where: { id } }),
    checks: await world.checkRows(id),
  };
}

describe('the validate worker on broken proxies', () => {
  it('marks a dead port dead at once, with the refusal in its check row', async () => {
    const port = await deadPort();
    const { result, proxy, checks } = await validated(
      await world.addProxy({ ip: port.host, port: port.port, protocol: 'http' }),
    );
    expect(result).toEqual({ checked: 1, active: 0, dead: 1 });
    expect(proxy).toMatchObject({
      status: 'dead',
      score: 0,
      uptimeRatio: 0,
      consecutiveFailures: 1,
      checksTotal: 1,
      checksPassed: 0,
    });
    expect(checks).toEqual([
      { checker_name: 'tcp_connect', stage: 1, passed: false, latency_ms: null, detail: 'connection refused' },
    ]);
    expect(proxy.nextCheckAt.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
  });

  it('marks a black hole dead after the total timeout, saying what it waited for', async () => {
    const hole = await serve(blackHole());
    const started = Date.now();
    const { proxy, checks } = await validated(await world.addProxy({ port: hole.port, protocol: 'http' }));
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(proxy.status).toBe('dead');
    expect(checks.map((check) => [check.checker_name, check.passed])).toEqual([
      ['tcp_connect', true],
      ['http_anonymity', false],
    ]);
    expect(checks[1]!.detail).toMatch(/^timeout after \d+ms waiting for judge answer$/);
  });

  it('fails fakes that answer a canned page or an error page instead of the judge', async () => {
    const canned = await serve(cannedPage());
    const broken = await serve(errorProxy());
    const fromCanned = await validated(await world.addProxy({ port: canned.port, protocol: 'http' }));
    const fromCannedTunnel = await validated(await world.addProxy({ port: canned.port, protocol: 'https' }));
    const fromBroken = await validated(await world.addProxy({ port: broken.port, protocol: 'http' }));
    for (const { proxy } of [fromCanned, fromCannedTunnel, fromBroken]) expect(proxy.status).toBe('dead');
    expect(fromCanned.checks[1]!.detail).toBe('judge answer not JSON: proxy returned 200 text/html; charset=utf-8');
    expect(fromCannedTunnel.checks[1]!.detail).toMatch(/200/);
    expect(fromBroken.checks[1]!.detail).toBe('proxy answered 502');
  });

  it('keeps an active proxy through K-1 failures, kills it at K, revives it, with score and uptime by the formula', async () => {
    const upstream = await serve(forwardProxy({ kind: 'elite', exitAddress: '127.0.0.9' }));
    const gate = await serve(switchable(upstream));
    const id = await world.addProxy({ port: gate.port, protocol: 'http' });
    // The advisory tls_integrity stage is not the latency sample.
    const latencyOf = (checks: Awaited<ReturnType<typeof validated>>['checks']) =>
      Math.max(...checks.filter((c) => c.passed && c.checker_name !== 'tls_integrity').map((c) => c.latency_ms ?? 0));

    const first = await validated(id);
    const l1 = latencyOf(first.checks);
    expect(first.proxy).toMatchObject({ status: 'active', uptimeRatio: 1, avgLatencyMs: l1 });
    expect(first.proxy.score).toBeCloseTo(0.5 * 1 + 0.3 * Math.max(0, 1 - l1 / 1000) + 0.2 * 1, 3);

    gate.up = false;
    const once = await validated(id);
    expect(once.proxy).toMatchObject({ status: 'active', consecutiveFailures: 1, avgLatencyMs: l1 });
    expect(once.proxy.uptimeRatio).toBeCloseTo(0.7, 5);
    expect(once.proxy.score).toBeCloseTo(0.5 * 0.7 + 0.3 * Math.max(0, 1 - l1 / 1000) + 0.2, 3);
    expect(once.proxy.nextCheckAt.getTime() - Date.now()).toBeLessThan(2 * 60_000);
    expect((await validated(id)).proxy).toMatchObject({ status: 'active', consecutiveFailures: 2 });
    const third = await validated(id);
    expect(third.proxy).toMatchObject({ status: 'dead', consecutiveFailures: 3, score: 0 });
    expect(third.proxy.uptimeRatio).toBeCloseTo(0.343, 5);
    expect(third.checks.at(-1)!.detail).toMatch(/connection (closed|reset)/);

    gate.up = true;
    const back = await validated(id);
    const l2 = latencyOf(back.checks.slice(back.checks.map((c) => c.checker_name).lastIndexOf('tcp_connect')));
    const avg = Math.round((0.7 * l1 + 0.3 * l2) * 10) / 10;
    const uptime = 0.7 * 0.343 + 0.3;
    expect(back.proxy).toMatchObject({
      status: 'active',
      consecutiveFailures: 0,
      checksTotal: 5,
      checksPassed: 2,
      anonymity: 'elite',
      exitIp: '127.0.0.9',
    });
    expect(back.proxy.uptimeRatio).toBeCloseTo(uptime, 4);
    expect(back.proxy.avgLatencyMs).toBeCloseTo(avg, 1);
    expect(back.proxy.score).toBeCloseTo(0.5 * uptime + 0.3 * Math.max(0, 1 - avg / 1000) + 0.2, 3);
  });

  it('writes nothing for ids that do not exist and counts only what it checked', async () => {
    const port = await deadPort();
    const id = await world.addProxy({ ip: port.host, port: port.port, protocol: 'socks5' });
    const result = await world.validate([id, '00000000-0000-4000-8000-000000000000']);
    expect(result).toEqual({ checked: 1, active: 0, dead: 1 });
  });
});
