import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { echoServer, eventually, startProxyFleet, type ProxyFleet, type ServerHandle } from '@proxy-pool/test-kit';
import type { RunningGateway } from '../src/main.js';
import { curl, lastHeaders } from './support/curl.js';
import { createGatewayWorld, type GatewayWorld, type TestUser } from './support/world.js';

let world: GatewayWorld;
let gateway: RunningGateway;
let origin: ServerHandle;
let fleet: ProxyFleet;
const ids: string[] = [];

beforeAll(async () => {
  // A long cache: only lease notifications (or their absence) can keep it exact here.
  world = await createGatewayWorld({ GATEWAY_CANDIDATE_CACHE_MS: '60000' });
  origin = await echoServer();
  fleet = await startProxyFleet(4, 'elite');
  for (const proxy of fleet.proxies)
    ids.push(await world.addProxy({ port: proxy.port, protocol: 'http', country: 'SE' }));
  gateway = await world.startGateway();
  await eventually(async () => ((await listenerPid()) === null ? undefined : true), 10_000, 'lease listener');
});

afterAll(async () => {
  await world.close();
  await Promise.all([origin.close(), fleet.close()]);
});

/** The gateway's LISTEN connection to the database, as PostgreSQL sees it. */
async function listenerPid(): Promise<number | null> {
  const [row] = await world.db.$queryRaw<Array<{ pid: number }>>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'listen:lease_starts'`;
  return row?.pid ?? null;
}

async function leaseTo(user: TestUser, proxyId: string): Promise<void> {
  await world.db.$executeRaw`INSERT INTO leases (id, proxy_id, user_id, created_at, expires_at)
    VALUES (gen_random_uuid(), ${proxyId}::uuid, ${user.userId}::uuid, now(), now() + interval '10 minutes')`;
  await world.db
    .$executeRaw`UPDATE proxies SET leased_until = now() + interval '10 minutes' WHERE id = ${proxyId}::uuid`;
}

/** The proxies 24 rotating requests of `user` went through. */
async function exitsOf(user: TestUser): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < 24; i += 1) {
    const answer = await curl([
      '-x',
      `http://app-country-SE:${user.apiKey}@127.0.0.1:${gateway.port}`,
      `${origin.url}/c${i}`,
    ]);
    expect(answer.status).toBe(200);
    seen.add(lastHeaders(answer)['x-gateway-proxy-id']!);
  }
  return seen;
}

describe('cached candidates', () => {
  test('a proxy leased by another user leaves the cache at once: the next connections never use it', async () => {
    const rotating = await world.addUser(10);
    expect((await exitsOf(rotating)).size).toBeGreaterThan(1);
    const holder = await world.addUser(10);
    const seenBefore = gateway.gateway.candidatePool.leasesSeen;
    await leaseTo(holder, ids[0]!);
    await eventually(
      async () => (gateway.gateway.candidatePool.leasesSeen > seenBefore ? true : undefined),
      5_000,
      'lease notification',
    );
    expect(await exitsOf(rotating)).not.toContain(ids[0]);
  });

  test('while the notification channel is down nothing is cached: a lease made then is still respected', async () => {
    const rotating = await world.addUser(10);
    await exitsOf(rotating);
    const pid = await listenerPid();
    await world.db.$executeRaw`SELECT pg_terminate_backend(${pid}::int)`;
    await eventually(async () => (gateway.gateway.candidatePool.caching() ? undefined : true), 5_000, 'cache off');
    const holder = await world.addUser(10);
    await leaseTo(holder, ids[1]!);
    expect(await exitsOf(rotating)).not.toContain(ids[1]);
    // The channel comes back by itself, and the cache with it.
    await eventually(async () => (gateway.gateway.candidatePool.caching() ? true : undefined), 10_000, 'cache back');
    expect(await exitsOf(rotating)).not.toContain(ids[1]);
  });
});
