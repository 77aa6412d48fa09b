import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { claimJudgeTlsIdentity } from '@proxy-pool/db';
import { forwardProxy, mitmProxy, socks4Server, socks5Server, type ServerHandle } from '@proxy-pool/test-kit';
import { createCheckerWorld, type CheckerWorld } from './support/harness.js';

const servers: ServerHandle[] = [];
const serve = async <T extends ServerHandle>(server: Promise<T>): Promise<T> => {
  const started = await server;
  servers.push(started);
  return started;
};

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function validateOne(world: CheckerWorld, input: Parameters<CheckerWorld['addProxy']>[0]) {
  const id = await world.addProxy(input);
  await world.validate([id]);
  return { id, ...(await stored(world, id)) };
}

async function stored(world: CheckerWorld, id: string) {
  const proxy = await world.db.proxy.findUniqueOrThrow({ where: { id } });
  const tls = (await world.checkRows(id)).filter((row) => row.checker_name === 'tls_integrity').at(-1);
  return { proxy, tls };
}

describe('tls_integrity in the validate worker (pin from JUDGE_TLS_FINGERPRINT)', () => {
  let world: CheckerWorld;
  beforeAll(async () => {
    world = await createCheckerWorld();
    await world.startChecker();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('marks a proxy that intercepts TLS mitm, keeps it active for plain HTTP, and says which certificate it saw', async () => {
    const proxy = await serve(mitmProxy({ exitAddress: '127.0.0.9' }));
    for (const protocol of ['http', 'https'] as const) {
      const { proxy: row, tls } = await validateOne(world, { port: proxy.port, protocol });
      expect(row).toMatchObject({ status: 'active', mitm: true, checksPassed: 1, exitIp: '127.0.0.9' });
      expect(tls).toMatchObject({ stage: 4, passed: false });
      expect(tls!.detail).toMatch(
        /^MITM: the proxy presented another certificate than the judge's: subject mitm\.invalid, issuer mitm\.invalid, SHA-256 [0-9A-F:]{95}$/,
      );
    }
  });

  it.each([
    ['http', () => forwardProxy({ kind: 'elite' })],
    ['https', () => forwardProxy({ kind: 'anonymous' })],
    ['socks4', () => socks4Server()],
    ['socks5', () => socks5Server()],
  ] as const)('passes an honest %s proxy with the pinned certificate', async (protocol, start) => {
    const proxy = await serve(start());
    const { proxy: row, tls } = await validateOne(world, { port: proxy.port, protocol });
    expect(row).toMatchObject({ status: 'active', mitm: false });
    expect(tls).toMatchObject({
      passed: true,
      detail: `judge certificate presented (SHA-256 ${world.env.JUDGE_TLS_FINGERPRINT})`,
    });
  });

  it('clears the flag at the next honest check', async () => {
    const proxy = await serve(socks5Server());
    const id = await world.addProxy({ port: proxy.port, protocol: 'socks5' });
    await world.db.proxy.update({ where: { id }, data: { mitm: true } });
    await world.validate([id]);
    expect((await stored(world, id)).proxy.mitm).toBe(false);
  });

  it('checks a proxy again only once its conclusion is TLS_CHECK_EVERY_MINUTES old', async () => {
    const proxy = await serve(mitmProxy({ exitAddress: '127.0.0.9' }));
    const { id, proxy: first } = await validateOne(world, { port: proxy.port, protocol: 'https' });
    expect(first).toMatchObject({ mitm: true, tlsCheckedAt: expect.any(Date) });
    await world.validate([id]);
    const again = await stored(world, id);
    expect(again.tls).toMatchObject({
      passed: true,
      detail: `not due: concluded at ${first.tlsCheckedAt!.toISOString()}`,
    });
    expect(again.proxy).toMatchObject({ mitm: true, tlsCheckedAt: first.tlsCheckedAt, checksTotal: 2 });
    // Once the conclusion is old enough, the stage runs again.
    await world.db.proxy.update({ where: { id }, data: { tlsCheckedAt: new Date(Date.now() - 361 * 60_000) } });
    await world.validate([id]);
    const later = await stored(world, id);
    expect(later.tls).toMatchObject({ passed: false });
    expect(later.tls!.detail).toMatch(/^MITM: /);
    expect(later.proxy.tlsCheckedAt!.getTime()).toBeGreaterThan(first.tlsCheckedAt!.getTime());
  });

  it('leaves the flag as it was when the proxy opens no tunnel at all', async () => {
    // The fake proxy refuses CONNECT to anything but loopback with 403: pointed elsewhere, it opens no tunnel.
    const plain = await serve(forwardProxy({ kind: 'elite' }));
    const refusing = await createCheckerWorld({ JUDGE_TLS_TARGET: 'judge.invalid:8443' });
    try {
      await refusing.startChecker();
      const { proxy: row, tls } = await validateOne(refusing, { port: plain.port, protocol: 'http' });
      expect(row).toMatchObject({ status: 'active', mitm: false });
      expect(tls).toMatchObject({ passed: true, detail: 'no CONNECT support (proxy answered 403)' });
    } finally {
      await refusing.close();
    }
  });
});

describe('tls_integrity pinning the certificate the judges stored', () => {
  it('reads the pin from judge_tls_identity when no fingerprint is configured', async () => {
    const world = await createCheckerWorld({ JUDGE_TLS_FINGERPRINT: '' });
    try {
      const { cert, key, fingerprint } = world.judgeTls;
      await claimJudgeTlsIdentity(world.db.pool, { certPem: cert, keyPem: key, fingerprint });
      await world.startChecker();
      const honest = await serve(socks5Server());
      const intercepting = await serve(mitmProxy());
      const passed = await validateOne(world, { port: honest.port, protocol: 'socks5' });
      expect(passed.tls).toMatchObject({
        passed: true,
        detail: `judge certificate presented (SHA-256 ${fingerprint})`,
      });
      const caught = await validateOne(world, { port: intercepting.port, protocol: 'https' });
      expect(caught.proxy.mitm).toBe(true);
      expect(world.logs).toContainEqual(
        expect.objectContaining({ message: 'judge TLS certificate pinned', fingerprint }),
      );
    } finally {
      await world.close();
    }
  });
});
