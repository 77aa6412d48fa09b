import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { echoServer, startProxyFleet, type ProxyFleet, type ServerHandle } from '@proxy-pool/test-kit';
import type { RunningGateway } from '../src/main.js';
import { curl, lastHeaders } from './support/curl.js';
import { viaGateway } from './support/plain-request.js';
import { createGatewayWorld, type GatewayWorld } from './support/world.js';

let world: GatewayWorld;
let replicas: RunningGateway[];
let origin: ServerHandle;
let fleet: ProxyFleet;

beforeAll(async () => {
  world = await createGatewayWorld({ GATEWAY_CONNECTIONS_PER_CREDIT: '10' });
  origin = await echoServer();
  fleet = await startProxyFleet(10, 'socks5');
  for (const proxy of fleet.proxies) await world.addProxy({ port: proxy.port, protocol: 'socks5', country: 'ES' });
  replicas = [await world.startGateway(), await world.startGateway()];
});

afterAll(async () => {
  await world.close();
  await Promise.all([origin.close(), fleet.close()]);
});

describe('billing of rotating traffic', () => {
  test('1,000 connections from 10 users in parallel over two replicas: 1 credit per 10, the ledger exact, usage metered per key', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => world.addUser(50)));
    const requests = users.flatMap((user) => Array.from({ length: 100 }, (_, i) => ({ user, i })));
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        while (next < requests.length) {
          const { user, i } = requests[next++]!;
          const answer = await viaGateway(replicas[i % 2]!.port, 'load', user.apiKey, `${origin.url}/${i}`);
          statuses.push(answer.status);
        }
      }),
    );
    expect(statuses.filter((status) => status === 200).length).toBe(1000);
    for (const user of users) {
      expect(await world.balance(user.userId)).toEqual({ balance: 40, ledger: 40, transactions: 11 });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const usage = await world.db.$queryRawUnsafe<
      Array<{ api_key_id: string; connections: number; bytes_in: number; bytes_out: number }>
    >(`SELECT api_key_id::text, connections::int, bytes_in::int, bytes_out::int FROM gateway_usage`);
    expect(usage.length).toBe(10);
    // Every upstream try counts as a connection: 100 per key, more where a busy machine made a dial time out
    // and the connection rotated on; in all, exactly the tries the replicas report.
    const tries = await Promise.all(
      replicas.map(async (replica) => {
        const metric = await replica.gateway.metrics.tries.get();
        return metric.values.find((value) => value.metricName?.endsWith('_sum'))?.value ?? 0;
      }),
    );
    expect(usage.reduce((sum, row) => sum + row.connections, 0)).toBe(tries[0]! + tries[1]!);
    for (const row of usage) {
      expect(row.connections).toBeGreaterThanOrEqual(100);
      expect(row.bytes_in).toBeGreaterThan(100 * 50);
      expect(row.bytes_out).toBeGreaterThan(100 * 200);
    }
  });

  test('balance 0: 402 INSUFFICIENT_CREDITS over HTTP, a refusal over SOCKS5, nothing written', async () => {
    const user = await world.addUser(0);
    const http = await curl(['-x', `http://me:${user.apiKey}@127.0.0.1:${replicas[0]!.port}`, `${origin.url}/`]);
    expect(http.status).toBe(402);
    expect(lastHeaders(http)['x-gateway-error']).toBe('INSUFFICIENT_CREDITS');
    const socks = await curl([
      '--socks5-hostname',
      `127.0.0.1:${replicas[1]!.port}`,
      '--proxy-user',
      `me:${user.apiKey}`,
      `${origin.url}/`,
    ]);
    expect(socks.code).toBe(97);
    expect(await world.balance(user.userId)).toEqual({ balance: 0, ledger: 0, transactions: 0 });
  });

  test('the last credit buys one more block, then the connections stop', async () => {
    const user = await world.addUser(1);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1)
      statuses.push((await viaGateway(replicas[i % 2]!.port, 'me', user.apiKey, `${origin.url}/`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(200), 402]);
    expect(await world.balance(user.userId)).toEqual({ balance: 0, ledger: 0, transactions: 2 });
  });
});
