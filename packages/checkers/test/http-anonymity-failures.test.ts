import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import type { CheckTarget } from '@proxy-pool/plugin-contracts';
import {
  blackHole,
  cannedPage,
  deadPort,
  errorProxy,
  forwardProxy,
  httpServer,
  sourceListServer,
} from '@proxy-pool/test-kit';
import type { ServerHandle } from '@proxy-pool/test-kit';
import { createHttpAnonymityChecker } from '../src/index.js';
import { contextFor, OWN_IP, SECRET, startJudge } from './harness.js';
import type { Judge } from './harness.js';

let judge: Judge;
const servers: ServerHandle[] = [];

async function serve<T extends ServerHandle>(started: Promise<T>): Promise<T> {
  servers.push(await started);
  return started;
}

function check(target: Omit<CheckTarget, 'id'>, overrides: Parameters<typeof contextFor>[1] = {}, secret = SECRET) {
  return createHttpAnonymityChecker({ judgeUrl: judge.judgeUrl, secret, ownIps: () => [OWN_IP] }).check(
    contextFor(target, overrides),
  );
}

/** A "proxy" that fetches the real judge answer and edits it on the way back. */
function rewritingProxy(edit: (body: string) => string): Promise<ServerHandle> {
  return httpServer((req, res) => {
    request(req.url ?? '', { agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () =>
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(edit(Buffer.concat(chunks).toString())),
      );
    }).end();
  });
}

beforeAll(async () => {
  judge = await startJudge();
});
afterAll(async () => {
  await Promise.all([...servers.map((server) => server.close()), judge.close()]);
});

describe('http_anonymity against broken proxies', () => {
  it('fails a dead port as refused', async () => {
    const dead = await deadPort();
    expect(await check({ ip: dead.host, port: dead.port, protocol: 'http' })).toEqual({
      passed: false,
      latencyMs: null,
      detail: 'connection refused',
    });
  });

  it('gives up on a black hole at the total timeout', async () => {
    const hole = await serve(blackHole());
    for (const protocol of ['http', 'https', 'socks5'] as const) {
      const started = Date.now();
      const outcome = await check({ ip: hole.host, port: hole.port, protocol }, { totalTimeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(800);
      expect(outcome.passed).toBe(false);
      expect(outcome.detail).toMatch(
        /^timeout after 300ms waiting for (judge answer|CONNECT reply|SOCKS5 greeting reply)$/,
      );
    }
  });

  it('stops every check sharing a signal at once when it aborts', async () => {
    const hole = await serve(blackHole());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () =>
        check(
          { ip: hole.host, port: hole.port, protocol: 'http' },
          { signal: controller.signal, totalTimeoutMs: 10_000 },
        ),
      ),
    );
    expect(new Set(outcomes.map((outcome) => outcome.detail))).toEqual(new Set(['aborted']));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails a canned page in every protocol with a precise detail', async () => {
    const canned = await serve(cannedPage());
    const target = { ip: canned.host, port: canned.port };
    expect((await check({ ...target, protocol: 'http' })).detail).toBe(
      'judge answer not JSON: proxy returned 200 text/html; charset=utf-8',
    );
    expect((await check({ ...target, protocol: 'https' })).detail).toBe(
      'proxy answered CONNECT with 200 text/html; charset=utf-8 content instead of a tunnel',
    );
    expect((await check({ ...target, protocol: 'socks5' })).detail).toBe('not a SOCKS5 proxy (reply starts 0x48)');
    expect((await check({ ...target, protocol: 'socks4' })).detail).toBe('not a SOCKS4 proxy (reply starts 0x48)');
  });

  it('fails an error proxy by its status', async () => {
    const broken = await serve(errorProxy());
    expect(await check({ ip: broken.host, port: broken.port, protocol: 'http' })).toMatchObject({
      passed: false,
      detail: 'proxy answered 502',
    });
    expect((await check({ ip: broken.host, port: broken.port, protocol: 'https' })).detail).toBe(
      'CONNECT refused: proxy answered 502',
    );
  });

  it('fails answers that do not prove the nonce or were altered', async () => {
    const proxy = await serve(forwardProxy({ kind: 'elite' }));
    expect((await check({ ip: proxy.host, port: proxy.port, protocol: 'http' }, {}, 'another-secret')).detail).toBe(
      'nonce proof mismatch',
    );
    const rewriter = await serve(
      rewritingProxy((body) => body.replace('"remote_addr":"127.0.0.1"', '"remote_addr":"127.0.0.77"')),
    );
    expect((await check({ ip: rewriter.host, port: rewriter.port, protocol: 'http' })).detail).toBe(
      'judge answer altered (signature mismatch)',
    );
    const replayer = await serve(
      rewritingProxy((body) => body.replace(/"nonce":"[0-9a-f]+"/, `"nonce":"${'0'.repeat(32)}"`)),
    );
    expect((await check({ ip: replayer.host, port: replayer.port, protocol: 'http' })).detail).toBe('nonce mismatch');
  });

  it('caps the answer size', async () => {
    const flood = await serve(
      sourceListServer({ routes: { '/judge': { body: 'x'.repeat(200_000), contentType: 'application/json' } } }),
    );
    expect(await check({ ip: flood.host, port: flood.port, protocol: 'http' })).toMatchObject({
      passed: false,
      detail: 'judge answer body exceeds 65536 bytes',
    });
  });

  it('fails a proxy that speaks another protocol than announced', async () => {
    const proxy = await serve(forwardProxy({ kind: 'elite' }));
    const outcome = await check({ ip: proxy.host, port: proxy.port, protocol: 'socks5' }, { totalTimeoutMs: 500 });
    expect(outcome.passed).toBe(false);
    expect(outcome.detail).toMatch(/SOCKS5|connection closed/);
  });
});
