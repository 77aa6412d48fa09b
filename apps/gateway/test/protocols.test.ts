import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { echoServer, forwardProxy, socks4Server, socks5Server, type ServerHandle } from '@proxy-pool/test-kit';
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
const ids: Record<string, string> = {};

beforeAll(async () => {
  world = await createGatewayWorld();
  origin = await echoServer();
  tls = await tlsOrigin('hello over tls');
  const credentials = { username: 'up', password: 'secret' };
  const http = await forwardProxy({ kind: 'elite', auth: credentials });
  const https = await forwardProxy({ kind: 'elite' });
  const socks5 = await socks5Server({ auth: credentials });
  const socks4 = await socks4Server();
  upstreams.push(http, https, socks5, socks4);
  ids.http = await world.addProxy({ port: http.port, protocol: 'http', country: 'DE', ...credentials });
  ids.https = await world.addProxy({ port: https.port, protocol: 'https', country: 'FR' });
  ids.socks5 = await world.addProxy({ port: socks5.port, protocol: 'socks5', country: 'US', ...credentials });
  ids.socks4 = await world.addProxy({ port: socks4.port, protocol: 'socks4', country: 'JP' });
  user = await world.addUser(100);
  gateway = await world.startGateway();
});

afterAll(async () => {
  await world.close();
  await Promise.all([origin.close(), tls.close(), ...upstreams.map((server) => server.close())]);
});

const proxyUrl = (username: string, key = user.apiKey) => `http://${username}:${key}@127.0.0.1:${gateway.port}`;

describe('one port, three protocols, every upstream protocol', () => {
  test.each(['http', 'https', 'socks4', 'socks5'] as const)(
    'curl -x: a plain HTTP request through a %s upstream, with its proxy id',
    async (protocol) => {
      const answer = await curl(['-x', proxyUrl(`me-protocol-${protocol}`), `${origin.url}/page?x=1`]);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ method: 'GET', url: '/page?x=1' });
      expect(lastHeaders(answer)['x-gateway-proxy-id']).toBe(ids[protocol]);
      expect(JSON.parse(answer.body).headers['proxy-authorization']).toBeUndefined();
    },
  );

  test.each(['https', 'socks4', 'socks5'] as const)(
    'curl -x: HTTPS through a CONNECT tunnel over a %s upstream, certificate verified end to end',
    async (protocol) => {
      const answer = await curl([
        '-x',
        proxyUrl(`me-protocol-${protocol}`),
        '--cacert',
        tls.caFile,
        `https://localhost:${tls.port}/`,
      ]);
      expect(answer.code).toBe(0);
      expect(answer.headers[0]?.['x-gateway-proxy-id']).toBe(ids[protocol]);
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('hello over tls');
    },
  );

  test('curl --socks5-hostname: the host name travels to the upstream unresolved', async () => {
    const answer = await curl([
      '--socks5-hostname',
      `127.0.0.1:${gateway.port}`,
      '--proxy-user',
      `me-protocol-socks5:${user.apiKey}`,
      '--cacert',
      tls.caFile,
      `https://localhost:${tls.port}/`,
    ]);
    expect(answer.code).toBe(0);
    expect(answer.body).toBe('hello over tls');
  });

  test('a country parameter picks the proxy of that country', async () => {
    const answer = await curl(['-x', proxyUrl('me-country-jp'), `${origin.url}/`]);
    expect(answer.status).toBe(200);
    expect(lastHeaders(answer)['x-gateway-proxy-id']).toBe(ids.socks4);
  });
});

describe('refusals a client can read', () => {
  test('a password that is not a live key: 407 INVALID_CREDENTIALS', async () => {
    const answer = await curl(['-x', proxyUrl('me', 'pp_not-a-key'), `${origin.url}/`]);
    expect(answer.status).toBe(407);
    expect(lastHeaders(answer)['x-gateway-error']).toBe('INVALID_CREDENTIALS');
  });

  test('no credentials from an address on no allowlist: 407 asking for them', async () => {
    const answer = await curl(['-x', `http://127.0.0.1:${gateway.port}`, `${origin.url}/`]);
    expect(answer.status).toBe(407);
    expect(lastHeaders(answer)['proxy-authenticate']).toMatch(/^Basic/);
    expect(lastHeaders(answer)['x-gateway-error']).toBe('PROXY_AUTH_REQUIRED');
  });

  test.each([
    ['me-colour-red', 'UNKNOWN_PARAMETER', 'Unknown parameter "colour"'],
    ['me-country-Germany', 'INVALID_PARAMETER', 'two-letter country code'],
    ['me-minscore-1.5', 'INVALID_PARAMETER', 'from 0.0 to 1.0'],
    ['me-session-abc-sesstime-61', 'INVALID_PARAMETER', 'from 1 to 60'],
    ['me-session-a_b', 'INVALID_PARAMETER', '1 to 32 letters or digits'],
    ['me-country', 'INVALID_PARAMETER', 'needs a value'],
  ])('username %s: 407 %s with the reason', async (username, code, reason) => {
    const answer = await curl(['-x', proxyUrl(username), `${origin.url}/`]);
    expect(answer.status).toBe(407);
    expect(lastHeaders(answer)['x-gateway-error']).toBe(code);
    expect(JSON.parse(answer.body).error).toMatchObject({ code });
    expect(JSON.parse(answer.body).error.message).toContain(reason);
  });

  test('a bad parameter on CONNECT: the same 407 before any tunnel', async () => {
    const answer = await curl([
      '-x',
      proxyUrl('me-anon-invisible'),
      '--cacert',
      tls.caFile,
      `https://localhost:${tls.port}/`,
    ]);
    expect(answer.status).toBe(407);
    expect(answer.headers[0]?.['x-gateway-error']).toBe('INVALID_PARAMETER');
  });

  test('nothing matches: 502 NO_MATCHING_PROXY', async () => {
    const answer = await curl(['-x', proxyUrl('me-country-BR'), `${origin.url}/`]);
    expect(answer.status).toBe(502);
    expect(lastHeaders(answer)['x-gateway-error']).toBe('NO_MATCHING_PROXY');
  });

  test('SOCKS5 with a bad key: authentication failure', async () => {
    const answer = await curl([
      '--socks5-hostname',
      `127.0.0.1:${gateway.port}`,
      '--proxy-user',
      'me:pp_wrong',
      `${origin.url}/`,
    ]);
    expect(answer.code).toBe(97);
  });
});
