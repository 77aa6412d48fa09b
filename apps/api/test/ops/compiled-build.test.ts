import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newNonce, verifyJudgeAnswer } from '@proxy-pool/checkers';
import { createRedis } from '@proxy-pool/queues';
import { clearKeys } from '@proxy-pool/test-kit';
import { REPO } from './support/rendered-manifests.js';

const APP = path.join(REPO, 'apps/api');
const DIST = path.join(APP, 'dist');
const QUEUE_PREFIX = `cb${randomUUID().slice(0, 8)}`;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `node dist/<entry>` (no tsx, no TypeScript), resolved once it logs `ready`. */
async function startCompiled(entry: string, env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(DIST, entry)], {
    cwd: APP,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start: ${output}`)), 20_000);
    child.stdout!.on('data', () => {
      if (!output.includes(ready)) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}: ${output}`));
    });
  });
  return child;
}

beforeAll(() => {
  execFileSync(path.join(APP, 'node_modules/.bin/tsup'), { cwd: APP, stdio: 'pipe' });
}, 120_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
  await clearKeys(redis, QUEUE_PREFIX);
  redis.disconnect();
});

describe('npm run build: the API compiled to JavaScript', () => {
  it('bundles our packages and leaves no TypeScript runtime behind', () => {
    const files = readdirSync(DIST).filter((file) => file.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['main.js', 'judge-main.js', 'admin-cli.js']));
    for (const file of files) {
      const code = readFileSync(path.join(DIST, file), 'utf8');
      expect({
        file,
        tsx: /from ["']tsx|require\(["']tsx|["']typescript["']|from ["']@proxy-pool\//.test(code),
      }).toEqual({ file, tsx: false });
    }
    expect(readdirSync(path.join(DIST, 'prisma-client'))).toContain('query_compiler_bg.wasm');
    expect(readdirSync(path.join(DIST, 'assets'))).toEqual(
      expect.arrayContaining(['catalog.json', 'dbip-country.mmdb']),
    );
  });

  it('starts from dist and answers /health and /ready, then stops on SIGTERM', async () => {
    const port = await freePort();
    const api = await startCompiled(
      'main.js',
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: process.env.DATABASE_URL!,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        QUEUE_PREFIX,
        NODE_ENV: 'test',
        DRAIN_MS: '2000',
      },
      '"api listening"',
    );
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect({ status: health.status, body: await health.json() }).toEqual({
      status: 200,
      body: { status: 'healthy', postgres: 'connected', redis: 'connected', version: '0.1.0' },
    });
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => api.once('exit', resolve));
    api.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);

  it('runs the judge-only listener from dist', async () => {
    const port = await freePort();
    const secret = 'compiled-judge-secret-0123456789';
    await startCompiled(
      'judge-main.js',
      { JUDGE_PORT: String(port), JUDGE_HOST: '127.0.0.1', JUDGE_SECRET: secret, NODE_ENV: 'production' },
      '"judge listening"',
    );
    const nonce = newNonce();
    const res = await fetch(`http://127.0.0.1:${port}/judge?nonce=${nonce}`);
    expect(verifyJudgeAnswer(await res.text(), nonce, secret)).toMatchObject({ ok: true, remoteAddr: '127.0.0.1' });
  }, 30_000);
});
