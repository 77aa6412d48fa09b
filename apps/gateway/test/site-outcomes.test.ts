import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sqlRows, Prisma } from '@proxy-pool/db';
import {
  eventually,
  forwardProxy,
  httpServer,
  peerAddress,
  type ForwardProxy,
  type ServerHandle,
} from '@proxy-pool/test-kit';
import { fetch, ProxyAgent } from 'undici';
import type { RunningGateway } from '../src/main.js';
import { viaGateway } from './support/plain-request.js';
import { createGatewayWorld, type GatewayWorld } from './support/world.js';

// A target that refuses one exit address (403) and serves every other.
const REFUSED_EXIT = '127.0.0.31';
let world: GatewayWorld;
let gateway: RunningGateway;
let target: ServerHandle;
const proxies: ForwardProxy[] = [];

beforeAll(async () => {
  world = await createGatewayWorld();
  target = await httpServer((req, res) => {
    req.resume();
    const refused = peerAddress(req.socket) === REFUSED_EXIT;
    res.writeHead(refused ? 403 : 200, { 'Content-Type': 'text/plain' }).end(refused ? 'denied' : 'welcome');
  });
  for (const exitAddress of [REFUSED_EXIT, '127.0.0.32'])
    proxies.push(await forwardProxy({ kind: 'elite', exitAddress }));
  gateway = await world.startGateway();
});

afterAll(async () => {
  await world.close();
  await Promise.all([target.close(), ...proxies.map((proxy) => proxy.close())]);
});

type SiteRow = { target_host: string; successes: number; failures: number };
const siteRows = (proxyId: string) =>
  sqlRows<SiteRow>(
    world.db.pool,
    Prisma.sql`SELECT target_host, successes, failures FROM proxy_site_stats WHERE proxy_id = ${proxyId}::uuid ORDER BY target_host`,
  );

describe('gateway outcomes per site', () => {
  test('plain requests the target answers 403 count as failures on its site, 200s as successes, in batches', async () => {
    const user = await world.addUser(10);
    const refused = await world.addProxy({ host: proxies[0]!.host, port: proxies[0]!.port, protocol: 'http' });
    const served = await world.addProxy({ host: proxies[1]!.host, port: proxies[1]!.port, protocol: 'http' });
    const statuses: number[] = [];
    for (let n = 0; n < 12; n += 1) {
      statuses.push(
        (await viaGateway(gateway.port, 'app', user.apiKey, `http://127.0.0.1:${target.port}/p${n}`)).status,
      );
    }
    const denied = statuses.filter((status) => status === 403).length;
    // Both proxies take part (an even weighted draw over 12 requests).
    expect(denied).toBeGreaterThan(0);
    expect(denied).toBeLessThan(12);
    expect(statuses.filter((status) => status === 200)).toHaveLength(12 - denied);
    const total = async () => {
      const rows = [...(await siteRows(refused)), ...(await siteRows(served))];
      return rows.reduce((sum, row) => sum + row.successes + row.failures, 0) === 12 ? true : undefined;
    };
    await eventually(total, 5_000, 'the outcomes flushed');
    const expected = (successes: number, failures: number) =>
      successes + failures === 0 ? [] : [{ target_host: '127.0.0.1', successes, failures }];
    expect(await siteRows(refused)).toEqual(expected(0, denied));
    expect(await siteRows(served)).toEqual(expected(12 - denied, 0));
  });

  test('a tunnel that reaches its target counts a success on the target’s site', async () => {
    const user = await world.addUser(10);
    const tunneling = await world.addProxy({ host: proxies[1]!.host, port: proxies[1]!.port, protocol: 'https' });
    const agent = new ProxyAgent({
      uri: `http://127.0.0.1:${gateway.port}`,
      token: `Basic ${Buffer.from(`app:${user.apiKey}`).toString('base64')}`,
    });
    const response = await fetch(`http://localhost:${target.port}/t`, { dispatcher: agent });
    expect(response.status).toBe(200);
    await response.text();
    await agent.close();
    const rows = await eventually(
      async () => ((await siteRows(tunneling)).length > 0 ? siteRows(tunneling) : undefined),
      5_000,
      'flush',
    );
    expect(rows).toEqual([{ target_host: 'localhost', successes: 1, failures: 0 }]);
  });
});
