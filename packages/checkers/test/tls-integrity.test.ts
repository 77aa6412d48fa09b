import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CheckTarget } from '@proxy-pool/plugin-contracts';
import { describeCheckerContract } from '@proxy-pool/plugin-contracts/testing';
import {
  deadPort,
  forwardProxy,
  mitmProxy,
  selfSignedCertificate,
  socks4Server,
  socks5Server,
} from '@proxy-pool/test-kit';
import type { SelfSigned } from '@proxy-pool/test-kit';
import { createTlsIntegrityChecker, normalizeFingerprint } from '../src/index.js';
import { contextFor } from './harness.js';

const dead = await deadPort();
describeCheckerContract(createTlsIntegrityChecker({ target: '127.0.0.1:9', pins: () => ['AA'] }), {
  unreachable: { id: 'dead', ip: dead.host, port: dead.port, protocol: 'socks5' },
});

let identity: SelfSigned;
let judgeTls: ReturnType<typeof createHttpsServer>;
let target: string;
let pin: string;
const servers: { close(): Promise<void> | void }[] = [];

async function serve<T extends { close(): Promise<void> }>(started: Promise<T>): Promise<T> {
  servers.push(await started);
  return started;
}

function check(proxy: Omit<CheckTarget, 'id'>, pins: readonly string[] = [pin]) {
  return createTlsIntegrityChecker({ target, pins: () => pins }).check(contextFor(proxy));
}

beforeAll(async () => {
  identity = selfSignedCertificate('judge.test', ['IP:127.0.0.1']);
  pin = new X509Certificate(identity.cert).fingerprint256;
  judgeTls = createHttpsServer({ key: identity.key, cert: identity.cert }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => judgeTls.listen(0, '127.0.0.1', resolve));
  target = `127.0.0.1:${(judgeTls.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  judgeTls.closeAllConnections();
  await new Promise((resolve) => judgeTls.close(resolve));
  identity.remove();
});

describe('tls_integrity through honest proxies', () => {
  it.each(['http', 'https'] as const)(
    'a CONNECT proxy (%s) shows the pinned certificate: passed, not mitm',
    async (protocol) => {
      const proxy = await serve(forwardProxy({ kind: 'elite' }));
      const outcome = await check({ ip: proxy.host, port: proxy.port, protocol });
      expect(outcome).toMatchObject({ passed: true, facts: { mitm: false } });
      expect(outcome.detail).toBe(`judge certificate presented (SHA-256 ${pin})`);
      expect(proxy.stats.connects).toBe(1);
    },
  );

  it('a CONNECT proxy with credentials is asked with them', async () => {
    const auth = { username: 'alice', password: 'pa:ss' };
    const proxy = await serve(forwardProxy({ kind: 'elite', auth }));
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol: 'https', ...auth });
    expect(outcome).toMatchObject({ passed: true, facts: { mitm: false } });
  });

  it.each([
    ['socks4', socks4Server],
    ['socks5', socks5Server],
  ] as const)('a %s proxy shows the pinned certificate', async (protocol, start) => {
    const proxy = await serve(start());
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol });
    expect(outcome).toMatchObject({ passed: true, facts: { mitm: false } });
  });

  it('accepts any of several pins (a certificate change in progress)', async () => {
    const proxy = await serve(socks5Server());
    const other = normalizeFingerprint('ab'.repeat(32));
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol: 'socks5' }, [other, pin]);
    expect(outcome.passed).toBe(true);
  });
});

describe('tls_integrity against a proxy that intercepts TLS', () => {
  it('marks it mitm and says which certificate it saw', async () => {
    const proxy = await serve(mitmProxy());
    const seen = new X509Certificate(proxy.cert).fingerprint256;
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol: 'http' });
    expect(outcome).toMatchObject({ passed: false, facts: { mitm: true } });
    expect(outcome.detail).toBe(
      `MITM: the proxy presented another certificate than the judge's: subject mitm.invalid, issuer mitm.invalid, SHA-256 ${seen}`,
    );
  });
});

describe('tls_integrity when nothing conclusive is seen', () => {
  it('a plain-HTTP proxy without CONNECT passes with "no CONNECT support" and says nothing about mitm', async () => {
    const plain = createHttpServer((_req, res) => res.end());
    plain.on('connect', (_req, socket) => socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => plain.close(() => resolve())) });
    const port = (plain.address() as AddressInfo).port;
    const outcome = await check({ ip: '127.0.0.1', port, protocol: 'http' });
    expect(outcome).toEqual({ passed: true, latencyMs: null, detail: 'no CONNECT support (proxy answered 405)' });
    const asHttps = await check({ ip: '127.0.0.1', port, protocol: 'https' });
    expect(asHttps).toMatchObject({ passed: false, detail: 'not conclusive: CONNECT refused: proxy answered 405' });
    expect(asHttps.facts).toBeUndefined();
  });

  it('without a known pin it does not connect and says why', async () => {
    const proxy = await serve(forwardProxy({ kind: 'elite' }));
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol: 'http' }, []);
    expect(outcome).toEqual({
      passed: false,
      latencyMs: null,
      detail: "not checked: the judge's TLS certificate is not known yet",
    });
    expect(proxy.stats.connects).toBe(0);
  });

  it('normalizes fingerprints from plain or colon hex and refuses anything else', () => {
    expect(normalizeFingerprint(pin.replace(/:/g, '').toLowerCase())).toBe(pin);
    expect(() => normalizeFingerprint('AB:CD')).toThrow('not a SHA-256 fingerprint');
  });
});
