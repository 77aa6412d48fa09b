import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { echoServer, forwardProxy, mitmProxy, type ServerHandle } from '@proxy-pool/test-kit';
import type { RunningGateway } from '../src/main.js';
import { curl, lastHeaders } from './support/curl.js';
import { tlsOrigin, type TlsOrigin } from './support/tls-origin.js';
import { createGatewayWorld, type GatewayWorld, type TestUser } from './support/world.js';

let world: GatewayWorld;
let gateway: RunningGateway;
let user: TestUser;
let origin: ServerHandle;
let tls: TlsOrigin;
const upstreams: ServerHandle[] = [];
let honestId: string;
let interceptingId: string;

beforeAll(async () => {
  world = await createGatewayWorld();
  origin = await echoServer();
  tls = await tlsOrigin('hello over tls');
  const honest = await forwardProxy({ kind: 'elite' });
  const intercepting = await mitmProxy();
  upstreams.push(honest, intercepting);
  honestId = await world.addProxy({ port: honest.port, protocol: 'https', country: 'FR', score: 0.3 });
  // Far better scored, so a rotation that did not leave it out would pick it most of the time.
  interceptingId = await world.addProxy({ port: intercepting.port, protocol: 'https', country: 'MX', score: 0.99 });
  await world.db.proxy.update({ where: { id: interceptingId }, data: { mitm: true } });
  user = await world.addUser(100);
  gateway = await world.startGateway();
});

afterAll(async () => {
  await world.close();
  await Promise.all([origin.close(), tls.close(), ...upstreams.map((server) => server.close())]);
});

const proxyUrl = (username: string) => `http://${username}:${user.apiKey}@127.0.0.1:${gateway.port}`;
const https = (username: string) =>
  curl(['-x', proxyUrl(username), '--cacert', tls.caFile, `https://localhost:${tls.port}/`]);

describe('the gateway and proxies seen intercepting TLS', () => {
  test('CONNECT tunnels never go through one: every tunnel takes the honest proxy, certificate verified', async () => {
    for (let i = 0; i < 6; i += 1) {
      const answer = await https('me');
      expect(answer.code).toBe(0);
      expect(answer.headers[0]?.['x-gateway-proxy-id']).toBe(honestId);
      expect(answer.body).toBe('hello over tls');
    }
  });

  test('a CONNECT only it could carry is refused as matching nothing', async () => {
    const answer = await https('me-country-mx');
    expect(answer.code).not.toBe(0);
    expect(answer.headers[0]?.['x-gateway-error']).toBe('NO_MATCHING_PROXY');
  });

  test('plain HTTP requests still go through it', async () => {
    const answer = await curl(['-x', proxyUrl('me-country-mx'), `${origin.url}/page`]);
    expect(answer.status).toBe(200);
    expect(lastHeaders(answer)['x-gateway-proxy-id']).toBe(interceptingId);
    expect(JSON.parse(answer.body)).toMatchObject({ method: 'GET', url: '/page' });
  });
});
