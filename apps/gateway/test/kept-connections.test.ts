import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningGateway } from '../src/main.js';
import { curl } from './support/curl.js';
import { keepAliveProxy, type KeepAliveProxy } from './support/keep-alive-proxy.js';
import { viaGateway } from './support/plain-request.js';
import { createGatewayWorld, type GatewayWorld } from './support/world.js';

let world: GatewayWorld;
let gateway: RunningGateway;
let keeping: KeepAliveProxy;
let dropping: KeepAliveProxy;

beforeAll(async () => {
  world = await createGatewayWorld({ GATEWAY_CONNECTIONS_PER_CREDIT: '10' });
  keeping = await keepAliveProxy({ slowMs: 5_000 });
  dropping = await keepAliveProxy({ dropSecond: true });
  await world.addProxy({ port: keeping.port, protocol: 'http', country: 'SE' });
  await world.addProxy({ port: dropping.port, protocol: 'http', country: 'DK' });
  gateway = await world.startGateway();
});

afterAll(async () => {
  await world.close();
  await Promise.all([keeping.close(), dropping.close()]);
});

const usageOf = async (apiKeyId: string) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rows = await world.db.$queryRawUnsafe<Array<{ connections: number }>>(
    `SELECT connections::int FROM gateway_usage WHERE api_key_id = '${apiKeyId}'`,
  );
  return rows[0]?.connections ?? 0;
};

const gatewayFigures = async (port: number) => {
  const [row] = await world.db.$queryRawUnsafe<Array<{ gateway_successes: number; gateway_failures: number }>>(
    `SELECT gateway_successes, gateway_failures FROM proxies WHERE port = ${port}`,
  );
  return row!;
};

describe('kept connections to http upstream proxies', () => {
  test('plain GETs reuse kept connections to the proxy; every answer right, each request billed as one connection', async () => {
    const user = await world.addUser(5);
    for (let i = 0; i < 20; i += 1) {
      const answer = await viaGateway(gateway.port, 'app-country-SE', user.apiKey, `http://example.test/k${i}`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ uri: `http://example.test/k${i}` });
    }
    expect(keeping.stats.answered).toBe(20);
    expect(keeping.stats.connections).toBeLessThanOrEqual(2);
    // 20 rotating connections at 10 per credit: 2 credits, the ledger exact.
    expect(await world.balance(user.userId)).toEqual({ balance: 3, ledger: 3, transactions: 3 });
    expect(await usageOf(user.apiKeyId)).toBe(20);
  });

  test('a kept connection the proxy cut is sent again on a new one: the client never notices, nothing billed twice', async () => {
    const user = await world.addUser(5);
    for (let i = 0; i < 10; i += 1) {
      const answer = await viaGateway(gateway.port, 'app-country-DK', user.apiKey, `http://example.test/d${i}`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ uri: `http://example.test/d${i}` });
    }
    expect(dropping.stats.dropped).toBeGreaterThanOrEqual(4);
    expect(dropping.stats.answered).toBe(10);
    expect(await world.balance(user.userId)).toEqual({ balance: 4, ledger: 4, transactions: 2 });
    expect(await usageOf(user.apiKeyId)).toBe(10);
    // The proxy served every request: a stale kept connection is not the proxy failing.
    expect(await gatewayFigures(dropping.port)).toEqual({ gateway_successes: 10, gateway_failures: 0 });
  });

  test('an answer slower than the idle limit of kept connections (4 s) still arrives', async () => {
    const user = await world.addUser(5);
    const answer = await viaGateway(gateway.port, 'app-country-SE', user.apiKey, 'http://example.test/slow');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ uri: 'http://example.test/slow' });
  }, 15_000);

  test('a request with a body goes on a connection of its own and is sent once', async () => {
    const user = await world.addUser(5);
    const before = { ...dropping.stats };
    const answer = await curl([
      '-x',
      `http://app-country-DK:${user.apiKey}@127.0.0.1:${gateway.port}`,
      '--data',
      'x=1',
      'http://example.test/post',
    ]);
    expect(answer.status).toBe(200);
    expect(dropping.stats.connections - before.connections).toBe(1);
    expect(dropping.stats.answered - before.answered).toBe(1);
    expect(dropping.stats.dropped).toBe(before.dropped);
  });
});
