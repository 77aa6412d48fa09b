import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createGatewayAllowEntry } from '@proxy-pool/db';
import { forwardProxy, httpServer, type ServerHandle, headlessChromium } from '@proxy-pool/test-kit';
import { chromium } from 'playwright-core';
import type { RunningGateway } from '../src/main.js';
import { curl, lastHeaders } from './support/curl.js';
import { createGatewayWorld, type GatewayWorld, type TestUser } from './support/world.js';

let world: GatewayWorld;
let gateway: RunningGateway;
let page: ServerHandle;
let user: TestUser;
const upstreams: ServerHandle[] = [];
const ids: Record<string, string> = {};

beforeAll(async () => {
  world = await createGatewayWorld();
  page = await httpServer((req, res) => {
    req.resume();
    res
      .writeHead(200, { 'Content-Type': 'text/html' })
      .end('<!doctype html><title>Through the gateway</title><h1>hello</h1>');
  });
  for (const country of ['DE', 'AT']) {
    const proxy = await forwardProxy({ kind: 'elite' });
    upstreams.push(proxy);
    ids[country] = await world.addProxy({ port: proxy.port, protocol: 'https', country });
  }
  user = await world.addUser(10);
  // Loopback clients of this world act as the user, with Austrian exits unless the username says otherwise.
  await createGatewayAllowEntry(world.db, {
    userId: user.userId,
    apiKeyId: user.apiKeyId,
    cidr: '127.0.0.0/8',
    params: 'country-AT',
  });
  // The default connect timeout, not the test world's 1 s: Chromium starting beside other suites can hold up this
  // process (gateway, fake proxy and page share it) past 1 s, and with one Austrian proxy there is nothing to rotate to.
  gateway = await world.startGateway({ GATEWAY_CONNECT_TIMEOUT_MS: '5000' });
});

afterAll(async () => {
  await world.close();
  await Promise.all([page.close(), ...upstreams.map((proxy) => proxy.close())]);
});

describe('allowlisted clients need no credentials', () => {
  test("headless Chromium with --proxy-server loads a page through the gateway, with the entry's parameters", async () => {
    // Chromium sends loopback targets around any proxy unless told not to.
    const browser = await chromium.launch(
      headlessChromium([`--proxy-server=http://127.0.0.1:${gateway.port}`, '--proxy-bypass-list=<-loopback>']),
    );
    try {
      const tab = await browser.newPage();
      const response = await tab.goto(`${page.url}/index.html`);
      // The gateway's refusal code, if any, is in the failure message.
      expect({ status: response?.status(), refusal: response?.headers()['x-gateway-error'] }).toEqual({
        status: 200,
        refusal: undefined,
      });
      expect(await tab.title()).toBe('Through the gateway');
      expect(response?.headers()['x-gateway-proxy-id']).toBe(ids.AT);
    } finally {
      await browser.close();
    }
  }, 30_000);

  test('SOCKS5 without authentication from an allowlisted address', async () => {
    const answer = await curl(['--socks5-hostname', `127.0.0.1:${gateway.port}`, `${page.url}/`]);
    expect(answer.code).toBe(0);
    expect(answer.body).toContain('hello');
  });

  test('credentials still win over the allowlist entry', async () => {
    const answer = await curl(['-x', `http://me-country-DE:${user.apiKey}@127.0.0.1:${gateway.port}`, `${page.url}/`]);
    expect(answer.status).toBe(200);
    expect(lastHeaders(answer)['x-gateway-proxy-id']).toBe(ids.DE);
  });

  test("usage of allowlisted traffic lands on the entry's key", async () => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const [row] = await world.db.$queryRawUnsafe<Array<{ connections: number }>>(
      `SELECT connections::int FROM gateway_usage WHERE api_key_id = '${user.apiKeyId}'`,
    );
    expect(row?.connections).toBeGreaterThanOrEqual(3);
  });
});
