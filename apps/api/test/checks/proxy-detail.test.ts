import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deadPort, forwardProxy, type ForwardProxy } from '@proxy-pool/test-kit';
import { startChecksWorld, type ChecksWorld } from './support.js';

let world: ChecksWorld;
let proxy: ForwardProxy;
let activeId: string;
let deadId: string;

beforeAll(async () => {
  world = await startChecksWorld();
  proxy = await forwardProxy({ kind: 'anonymous', exitAddress: '127.0.0.9' });
  const { db } = world.api.ctx;
  activeId = (
    await db.proxy.create({ data: { ip: '127.0.0.1', port: proxy.port, protocol: 'http', tags: { provider: 'test' } } })
  ).id;
  const dead = await deadPort();
  deadId = (await db.proxy.create({ data: { ip: dead.host, port: dead.port, protocol: 'socks4' } })).id;
  await world.validate([activeId, deadId]);
  await world.validate([activeId, deadId]);
});

afterAll(async () => {
  await world?.close();
  await proxy?.close();
});

describe('GET /proxies/{proxy_id}', () => {
  it('shows the proxy as GET /proxies does, with its check rows newest first', async () => {
    const res = await world.api.request.get(`/proxies/${activeId}`).set(world.user.auth);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['proxy', 'recent_checks', 'site_checks', 'sites']);
    expect(res.body.sites).toEqual([]);
    const list = await world.api.request.get('/proxies?status=active').set(world.user.auth);
    expect(res.body.proxy).toEqual(list.body.items.find((item: { id: string }) => item.id === activeId));
    expect(res.body.proxy).toMatchObject({
      id: activeId,
      status: 'active',
      anonymity: 'anonymous',
      exit_ip: '127.0.0.9',
      uptime_pct: 100,
      tags: { provider: 'test' },
    });
    const checks = res.body.recent_checks as Array<Record<string, unknown>>;
    // Two validations, each one row per checker that ran, newest validation first.
    const newest = checks.slice(0, checks.length / 2);
    expect(checks).toHaveLength(2 * newest.length);
    for (const check of checks) {
      expect(Object.keys(check).sort()).toEqual([
        'checker_name',
        'created_at',
        'detail',
        'latency_ms',
        'passed',
        'stage',
      ]);
      expect(check.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const times = checks.map((check) => String(check.created_at));
    expect([...times].sort().reverse()).toEqual(times);
    expect(newest.map((check) => check.stage)).toEqual(
      newest.map((check) => Number(check.stage)).sort((a, b) => b - a),
    );
    // The stages every proxy must pass (checkers of one stage listed by name: they finish in the same millisecond).
    const passing = newest.filter((check) => Number(check.stage) <= 3);
    expect(
      passing
        .map((check) => [check.checker_name, check.stage, check.passed] as [string, number, boolean])
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    ).toEqual([
      ['exit_network', 3, true],
      ['geoip', 3, true],
      ['http_anonymity', 2, true],
      ['tcp_connect', 1, true],
    ]);
    expect(newest.find((check) => check.checker_name === 'http_anonymity')).toMatchObject({
      detail: 'anonymous proxy, exit IP 127.0.0.9',
      latency_ms: expect.any(Number),
    });
  });

  it('shows why a dead proxy failed', async () => {
    const res = await world.api.request.get(`/proxies/${deadId}`).set(world.user.auth);
    expect(res.body.proxy).toMatchObject({ status: 'dead', score: 0 });
    expect(res.body.recent_checks).toEqual([
      expect.objectContaining({
        checker_name: 'tcp_connect',
        stage: 1,
        passed: false,
        latency_ms: null,
        detail: 'connection refused',
      }),
      expect.objectContaining({ checker_name: 'tcp_connect', passed: false }),
    ]);
  });

  it('shows at most 20 check rows', async () => {
    const { db } = world.api.ctx;
    await db.$executeRaw`INSERT INTO history.proxy_checks (proxy_id, checker_name, stage, passed, detail, created_at)
      SELECT ${deadId}::uuid, 'tcp_connect', 1, false, 'old ' || i, now() - make_interval(hours => i + 1)
      FROM generate_series(0, 29) AS i`;
    const res = await world.api.request.get(`/proxies/${deadId}`).set(world.user.auth);
    expect(res.body.recent_checks).toHaveLength(20);
    expect(res.body.recent_checks[2].detail).toBe('old 0');
  });

  it('answers 404 for an unknown or malformed id and 401 without a key', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', `${activeId}x`]) {
      const res = await world.api.request.get(`/proxies/${id}`).set(world.user.auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Proxy not found.', details: {} } });
    }
    expect((await world.api.request.get(`/proxies/${activeId}`)).status).toBe(401);
  });

  it('leaves /proxies/export and /proxies/acquire to the pool router', async () => {
    expect((await world.api.request.get('/proxies/export?format=txt').set(world.user.auth)).status).not.toBe(404);
  });
});
