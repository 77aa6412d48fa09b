import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { forwardProxy, httpServer, selfSignedCertificate, socks5Server } from '@proxy-pool/test-kit';
import type { ServerHandle } from '@proxy-pool/test-kit';
import { createHttpAnonymityChecker, createJudgeHandler } from '../src/index.js';
import { contextFor, EXIT_IP, OWN_IP, SECRET } from './harness.js';

const certificate = selfSignedCertificate('judge', ['IP:127.0.0.1']);
const cert = certificate.cert;
const servers: ServerHandle[] = [];
let judgeUrl = '';

beforeAll(async () => {
  const judge = await httpServer(createJudgeHandler({ secret: SECRET }), { tls: { key: certificate.key, cert } });
  servers.push(judge);
  judgeUrl = `${judge.url}/judge`;
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  certificate.remove();
});

describe('http_anonymity with an https judge', () => {
  it('wraps CONNECT and SOCKS5 tunnels in TLS and verifies the judge certificate', async () => {
    const checker = createHttpAnonymityChecker({ judgeUrl, secret: SECRET, ownIps: () => [OWN_IP], judgeCa: cert });
    const connectProxy = await forwardProxy({ kind: 'transparent', exitAddress: EXIT_IP });
    const socks = await socks5Server({ exitAddress: EXIT_IP });
    servers.push(connectProxy, socks);
    for (const proxy of [
      { handle: connectProxy, protocol: 'https' },
      { handle: socks, protocol: 'socks5' },
    ] as const) {
      const outcome = await checker.check(
        contextFor({ ip: proxy.handle.host, port: proxy.handle.port, protocol: proxy.protocol }),
      );
      expect(outcome).toMatchObject({ passed: true, facts: { exitIp: EXIT_IP, anonymity: 'elite' } });
    }
    const untrusting = createHttpAnonymityChecker({ judgeUrl, secret: SECRET, ownIps: () => [OWN_IP] });
    const refused = await untrusting.check(contextFor({ ip: socks.host, port: socks.port, protocol: 'socks5' }));
    expect(refused).toMatchObject({ passed: false });
    expect(refused.detail).toMatch(/SELF_SIGNED|certificate/i);
  });
});
