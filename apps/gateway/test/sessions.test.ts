import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { echoServer, forwardProxy, startProxyFleet, type ProxyFleet, type ServerHandle } from '@proxy-pool/test-kit';
import got from 'got';
import { HttpProxyAgent } from 'hpagent';
import type { RunningGateway } from '../src/main.js';
import { viaGateway } from './support/plain-request.js';
import { createGatewayWorld, type GatewayWorld } from './support/world.js';

let world: GatewayWorld;
let replicas: RunningGateway[];
let origin: ServerHandle;
let fleet: ProxyFleet;

beforeAll(async () => {
  world = await createGatewayWorld({ GATEWAY_CONNECT_TIMEOUT_MS: '500' });
  origin = await echoServer();
  fleet = await startProxyFleet(8, 'elite');
  for (const proxy of fleet.proxies)
    await world.addProxy({ port: proxy.port, protocol: 'https', country: 'IT', score: 0.9 });
  replicas = [await world.startGateway(), await world.startGateway()];
});

afterAll(async () => {
  await world.close();
  await Promise.all([origin.close(), fleet.close()]);
});

const leasesOf = (userId: string) =>
  world.db.$queryRawUnsafe<Array<{ proxy_id: string; live: boolean }>>(
    `SELECT proxy_id::text, (released_at IS NULL AND expires_at > now()) AS live FROM leases WHERE user_id = '${userId}' ORDER BY created_at`,
  );

describe('sticky sessions', () => {
  test('one exit for the whole session across two replicas, on a real lease paid once', async () => {
    const user = await world.addUser(5);
    const seen = new Set<string | string[] | undefined>();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        viaGateway(
          replicas[i % 2]!.port,
          'crawler-country-IT-session-abc123-sesstime-5',
          user.apiKey,
          `${origin.url}/s${i}`,
        ),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers['x-gateway-session']).toBe('abc123');
      seen.add(answer.headers['x-gateway-proxy-id']);
    }
    expect(seen.size).toBe(1);
    const leases = await leasesOf(user.userId);
    expect(leases).toEqual([{ proxy_id: [...seen][0], live: true }]);
    expect(await world.balance(user.userId)).toMatchObject({ balance: 4, ledger: 4 });
    const [row] = await world.db.$queryRawUnsafe<Array<{ minutes: number }>>(
      `SELECT round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes FROM leases WHERE user_id = '${user.userId}'`,
    );
    expect(row?.minutes).toBe(5);
  });

  test('got + hpagent: CONNECT tunnels of a session reach the origin through its leased proxy', async () => {
    const user = await world.addUser(5);
    const agent = new HttpProxyAgent({
      proxy: `http://job-session-hp1:${user.apiKey}@127.0.0.1:${replicas[0]!.port}`,
      keepAlive: false,
    });
    for (let i = 0; i < 3; i += 1) {
      const body = await got(`${origin.url}/got${i}`, { agent: { http: agent }, retry: { limit: 0 } }).json<{
        url: string;
      }>();
      expect(body.url).toBe(`/got${i}`);
    }
    expect((await leasesOf(user.userId)).length).toBe(1);
    expect(await world.balance(user.userId)).toMatchObject({ balance: 4, ledger: 4 });
  });

  test('a failing sticky proxy moves the session to a new lease, free of charge, and the answer says so', async () => {
    const own = await forwardProxy({ kind: 'elite' });
    await world.addProxy({ port: own.port, protocol: 'https', country: 'GR', score: 1 });
    const spare = await forwardProxy({ kind: 'elite' });
    await world.addProxy({ port: spare.port, protocol: 'https', country: 'GR', score: 0.1 });
    try {
      const user = await world.addUser(3);
      const first = await viaGateway(replicas[0]!.port, 'me-country-GR-session-move1', user.apiKey, `${origin.url}/a`);
      expect(first.status).toBe(200);
      await own.close();
      const second = await viaGateway(replicas[1]!.port, 'me-country-GR-session-move1', user.apiKey, `${origin.url}/b`);
      expect(second.status).toBe(200);
      expect(second.headers['x-gateway-session-moved']).toBe('true');
      expect(second.headers['x-gateway-proxy-id']).not.toBe(first.headers['x-gateway-proxy-id']);
      const third = await viaGateway(replicas[0]!.port, 'me-country-GR-session-move1', user.apiKey, `${origin.url}/c`);
      expect(third.headers['x-gateway-proxy-id']).toBe(second.headers['x-gateway-proxy-id']);
      expect(third.headers['x-gateway-session-moved']).toBeUndefined();
      const leases = await leasesOf(user.userId);
      expect(leases.map((lease) => lease.live)).toEqual([false, true]);
      expect(await world.balance(user.userId)).toMatchObject({ balance: 2, ledger: 2 });
    } finally {
      await spare.close();
    }
  });

  test('a session with no credits left: 402 INSUFFICIENT_CREDITS', async () => {
    const user = await world.addUser(0);
    const answer = await viaGateway(replicas[0]!.port, 'me-session-poor', user.apiKey, `${origin.url}/`);
    expect(answer.status).toBe(402);
    expect(answer.headers['x-gateway-error']).toBe('INSUFFICIENT_CREDITS');
  });
});
