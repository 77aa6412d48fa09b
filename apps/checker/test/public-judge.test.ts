import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createJudgeHandler } from '@proxy-pool/checkers';
import { createLogger } from '@proxy-pool/logger';
import { eventually, httpServer } from '@proxy-pool/test-kit';
import { OwnIpTracker } from '../src/own-ip.js';
import { loadCheckerConfig } from '../src/config.js';
import { privateJudgeProblem } from '../src/public-judge.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe('a checker needs a judge the internet can reach', () => {
  it('refuses loopback, private and in-cluster judge addresses while private targets are off', async () => {
    await expect(privateJudgeProblem('http://127.0.0.1:3000/judge', false)).resolves.toMatch(
      /resolves to 127\.0\.0\.1/,
    );
    await expect(privateJudgeProblem('http://[::1]:8080/judge', false)).resolves.toMatch(/resolves to ::1/);
    await expect(
      privateJudgeProblem('http://proxy-pool-api:3000/judge', false, resolvesTo('10.96.0.12')),
    ).resolves.toMatch(/10\.96\.0\.12/);
    await expect(
      privateJudgeProblem('http://judge.example.com/judge', false, resolvesTo('8.8.8.8', '192.168.1.4')),
    ).resolves.toMatch(/192\.168\.1\.4/);
    await expect(
      privateJudgeProblem('http://judge.example.com/judge', false, async () => Promise.reject(new Error('ENOTFOUND'))),
    ).resolves.toMatch(/does not resolve/);
  });

  it('accepts a public judge, or any judge when private targets are on', async () => {
    await expect(privateJudgeProblem('http://8.8.8.8:8080/judge', false)).resolves.toBeUndefined();
    await expect(
      privateJudgeProblem('https://judge.example.com/judge', false, resolvesTo('8.8.4.4', '2001:4860:4860::8888')),
    ).resolves.toBeUndefined();
    await expect(privateJudgeProblem('http://127.0.0.1:3000/judge', true)).resolves.toBeUndefined();
  });

  it('the checker process exits at once with one clear line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/checker/src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        ALLOW_PRIVATE_TARGETS: 'false',
        JUDGE_URL: 'http://127.0.0.1:3000/judge',
        REDIS_URL: 'redis://127.0.0.1:1',
        HEALTH_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      "checker refuses to start: JUDGE_URL http://127.0.0.1:3000/judge resolves to 127.0.0.1, which no proxy on the internet can reach: set it to the judge's public address (or ALLOW_PRIVATE_TARGETS=true to probe private proxies only)",
    ]);
  }, 30_000);
});

describe('JUDGE_SECRET in the checker', () => {
  it('is required in production and defaults in development and tests', () => {
    expect(() => loadCheckerConfig({ NODE_ENV: 'production' })).toThrow(
      /JUDGE_SECRET: required when NODE_ENV=production/,
    );
    expect(loadCheckerConfig({ NODE_ENV: 'production', JUDGE_SECRET: 'a-real-secret-0123456789' }).JUDGE_SECRET).toBe(
      'a-real-secret-0123456789',
    );
    expect(loadCheckerConfig({ NODE_ENV: 'test' }).JUDGE_SECRET.length).toBeGreaterThanOrEqual(16);
  });
});

describe('own egress address', () => {
  it('is not learnt from a public judge that sees a private address while private targets are off', async () => {
    const secret = 'own-ip-secret-0123456789';
    const judge = await httpServer(createJudgeHandler({ secret }));
    const stream = new PassThrough();
    let logs = '';
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const logger = createLogger({ service: 'checker', level: 'info', stream, console: false });
    // The judge listens on loopback here; `judgeIsPublic` stands for a JUDGE_URL that resolves to a public address.
    const judgeUrl = `${judge.url}/judge`;
    const strict = new OwnIpTracker({
      judgeUrl,
      secret,
      refreshMs: 60_000,
      retryMs: 50,
      logger,
      allowPrivate: false,
      judgeIsPublic: async () => true,
    });
    const lenient = new OwnIpTracker({ judgeUrl, secret, refreshMs: 60_000, logger, allowPrivate: true });
    // A judge at a private address (one machine's own API) is taken at its word.
    const local = new OwnIpTracker({ judgeUrl, secret, refreshMs: 60_000, logger, allowPrivate: false });
    try {
      void strict.start();
      await lenient.start();
      await local.start();
      expect(lenient.current()).toEqual(['127.0.0.1']);
      expect(local.current()).toEqual(['127.0.0.1']);
      await eventually(
        async () => (logs.split('the judge saw this checker as 127.0.0.1').length > 2 ? true : undefined),
        5_000,
        'two refused answers',
      );
      expect(strict.known).toBe(false);
    } finally {
      strict.stop();
      lenient.stop();
      local.stop();
      await judge.close();
    }
  });
});
