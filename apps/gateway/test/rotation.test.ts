import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  blackHole,
  deadPort,
  echoServer,
  errorProxy,
  socks5Server,
  startProxyFleet,
  type ForwardProxy,
  type ProxyFleet,
  type ServerHandle,
} from '@proxy-pool/test-kit';
import { fetch, ProxyAgent } from 'undici';
import type { RunningGateway } from '../src/main.js';
import { curl, lastHeaders } from './support/curl.js';
import { createGatewayWorld, type GatewayWorld } from './support/world.js';

let world: GatewayWorld;
let gateway: RunningGateway;
let origin: ServerHandle;
let fleet: ProxyFleet;

beforeAll(async () => {
  world = await createGatewayWorld({ GATEWAY_CONNECT_TIMEOUT_MS: '400' });
  origin = await echoServer();
  fleet = await startProxyFleet(20, 'elite');
  for (const [index, proxy] of fleet.proxies.entries()) {
    await world.addProxy({ port: proxy.port, protocol: 'https', country: 'NL', score: 0.5 + index / 50 });
  }
  gateway = await world.startGateway();
});

afterAll(async () => {
  await world.close();
  await Promise.all([origin.close(), fleet.close()]);
});

describe('rotation', () => {
  test('100 plain requests through undici ProxyAgent spread over many proxies, not always the best one', async () => {
    const user = await world.addUser(10);
    const connectsBefore = fleet.proxies.map((proxy) => (proxy as ForwardProxy).stats.connects);
    for (let i = 0; i < 100; i += 1) {
      const agent = new ProxyAgent({
        uri: `http://127.0.0.1:${gateway.port}`,
        token: `Basic ${Buffer.from(`app-country-NL:${user.apiKey}`).toString('base64')}`,
      });
      // undici tunnels every request (http targets too) with CONNECT; a new agent is a new client connection.
      const response = await fetch(`${origin.url}/r${i}`, { dispatcher: agent });
      expect(response.status).toBe(200);
      expect(JSON.parse(await response.text())).toMatchObject({ url: `/r${i}` });
      await agent.close();
    }
    const tunnels = fleet.proxies.map(
      (proxy, index) => (proxy as ForwardProxy).stats.connects - connectsBefore[index]!,
    );
    expect(tunnels.reduce((sum, count) => sum + count, 0)).toBe(100);
    expect(tunnels.filter((count) => count > 0).length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...tunnels)).toBeLessThan(30);
  });

  test('a dead upstream and a black hole are skipped without the client noticing; both become due for a re-check', async () => {
    const dead = await deadPort();
    const hole = await blackHole();
    try {
      const deadId = await world.addProxy({
        host: dead.host,
        port: dead.port,
        protocol: 'https',
        country: 'SE',
        score: 1,
      });
      const holeId = await world.addProxy({
        host: hole.host,
        port: hole.port,
        protocol: 'https',
        country: 'SE',
        score: 1,
      });
      const liveId = await world.addProxy({ port: fleet.proxies[0]!.port, protocol: 'http', country: 'SE', score: 0 });
      const user = await world.addUser(10);
      for (let i = 0; i < 5; i += 1) {
        const answer = await curl([
          '-x',
          `http://app-country-SE:${user.apiKey}@127.0.0.1:${gateway.port}`,
          `${origin.url}/x`,
        ]);
        expect(answer.status).toBe(200);
        expect(lastHeaders(answer)['x-gateway-proxy-id']).toBe(liveId);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const rows = await world.db.$queryRawUnsafe<
        Array<{ id: string; due: boolean; gateway_failures: number; gateway_successes: number }>
      >(
        `SELECT id::text, next_check_at <= now() AS due, gateway_failures, gateway_successes FROM proxies WHERE id IN ('${deadId}', '${holeId}', '${liveId}')`,
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      expect(byId.get(deadId)).toMatchObject({ due: true, gateway_successes: 0 });
      expect(byId.get(holeId)).toMatchObject({ due: true, gateway_successes: 0 });
      expect(byId.get(deadId)!.gateway_failures).toBeGreaterThan(0);
      expect(byId.get(holeId)!.gateway_failures).toBeGreaterThan(0);
      expect(byId.get(liveId)).toMatchObject({ due: false, gateway_failures: 0, gateway_successes: 5 });
    } finally {
      await hole.close();
    }
  });

  test('an http proxy answering 502 itself: an idempotent request is retried elsewhere, a POST is not sent twice', async () => {
    const broken = await errorProxy();
    try {
      const brokenId = await world.addProxy({ port: broken.port, protocol: 'http', country: 'PT', score: 1 });
      const goodId = await world.addProxy({ port: fleet.proxies[2]!.port, protocol: 'http', country: 'PT', score: 0 });
      const user = await world.addUser(10);
      for (let i = 0; i < 4; i += 1) {
        const answer = await curl([
          '-x',
          `http://app-country-PT:${user.apiKey}@127.0.0.1:${gateway.port}`,
          `${origin.url}/get${i}`,
        ]);
        expect(answer.status).toBe(200);
        expect(lastHeaders(answer)['x-gateway-proxy-id']).toBe(goodId);
      }
      // The broken proxy (drawn first about 9 times in 10) did answer: those requests were retried.
      expect(broken.stats.hits).toBeGreaterThanOrEqual(1);
      await world.db.$executeRawUnsafe(`UPDATE proxies SET status = 'dead' WHERE id = '${goodId}'`);
      // Candidates may be up to GATEWAY_CANDIDATE_CACHE_MS (1 s) old: wait that out, so the POST sees only the broken one.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const hitsBefore = broken.stats.hits;
      const post = await curl([
        '-x',
        `http://app-country-PT:${user.apiKey}@127.0.0.1:${gateway.port}`,
        '--data',
        'x=1',
        `${origin.url}/post`,
      ]);
      expect(post.status).toBe(502);
      expect(lastHeaders(post)['x-gateway-proxy-id']).toBe(brokenId);
      expect(lastHeaders(post)['x-gateway-error']).toBeUndefined();
      expect(broken.stats.hits - hitsBefore).toBe(1);
    } finally {
      await broken.close();
    }
  });

  test('an upstream refusing its stored credentials is skipped like a dead one', async () => {
    const guarded = await socks5Server({ auth: { username: 'right', password: 'right' } });
    try {
      const wrongId = await world.addProxy({
        port: guarded.port,
        protocol: 'socks5',
        country: 'FI',
        score: 1,
        username: 'right',
        password: 'wrong',
      });
      const goodId = await world.addProxy({ port: fleet.proxies[3]!.port, protocol: 'http', country: 'FI', score: 0 });
      const user = await world.addUser(10);
      for (let i = 0; i < 3; i += 1) {
        const answer = await curl([
          '-x',
          `http://app-country-FI:${user.apiKey}@127.0.0.1:${gateway.port}`,
          `${origin.url}/fi${i}`,
        ]);
        expect(answer.status).toBe(200);
        expect(lastHeaders(answer)['x-gateway-proxy-id']).toBe(goodId);
      }
      expect(guarded.stats.authFailures).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [row] = await world.db.$queryRawUnsafe<Array<{ gateway_failures: number }>>(
        `SELECT gateway_failures FROM proxies WHERE id = '${wrongId}'`,
      );
      expect(row!.gateway_failures).toBe(guarded.stats.authFailures);
    } finally {
      await guarded.close();
    }
  });

  test('every try failed: 502 UPSTREAM_FAILED, within the tries and the connect timeout', async () => {
    const dead = await deadPort();
    await world.addProxy({ host: dead.host, port: dead.port, protocol: 'https', country: 'PL' });
    const user = await world.addUser(10);
    const started = Date.now();
    const answer = await curl([
      '-x',
      `http://app-country-PL:${user.apiKey}@127.0.0.1:${gateway.port}`,
      `${origin.url}/x`,
    ]);
    expect(answer.status).toBe(502);
    expect(lastHeaders(answer)['x-gateway-error']).toBe('UPSTREAM_FAILED');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("a proxy under another user's live lease is never used: 502 ALL_PROXIES_LEASED", async () => {
    const one = fleet.proxies[1];
    const id = await world.addProxy({ port: one!.port, protocol: 'http', country: 'CZ' });
    const owner = await world.addUser(10);
    await world.db.$executeRawUnsafe(
      `INSERT INTO leases (id, proxy_id, user_id, created_at, expires_at) VALUES (gen_random_uuid(), '${id}', '${owner.userId}', now(), now() + interval '10 minutes')`,
    );
    await world.db.$executeRawUnsafe(
      `UPDATE proxies SET leased_until = now() + interval '10 minutes' WHERE id = '${id}'`,
    );
    const other = await world.addUser(10);
    const refused = await curl([
      '-x',
      `http://app-country-CZ:${other.apiKey}@127.0.0.1:${gateway.port}`,
      `${origin.url}/x`,
    ]);
    expect(refused.status).toBe(502);
    expect(lastHeaders(refused)['x-gateway-error']).toBe('ALL_PROXIES_LEASED');
    const holder = await curl([
      '-x',
      `http://app-country-CZ:${owner.apiKey}@127.0.0.1:${gateway.port}`,
      `${origin.url}/x`,
    ]);
    expect(holder.status).toBe(200);
    expect(lastHeaders(holder)['x-gateway-proxy-id']).toBe(id);
  });
});
