import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newNonce, verifyJudgeAnswer } from '@proxy-pool/checkers';
import { createDatabase } from '@proxy-pool/db';
import { createRedis } from '@proxy-pool/queues';
import { clearKeys, forwardProxy, sourceListServer } from '@proxy-pool/test-kit';
import { registerUser } from '../../src/services/accounts.service.js';
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

/** The compiled API's settings on `port`, against the test database and this file's queue prefix. */
const apiEnv = (port: number, extra: Record<string, string> = {}): Record<string, string> => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  DATABASE_URL: process.env.DATABASE_URL!,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX,
  NODE_ENV: 'test',
  // Other files start APIs side by side: no fixed TLS judge port.
  JUDGE_TLS_PORT: '0',
  ...extra,
});

/** `node <app>/dist/<entry>` (no tsx, no TypeScript), resolved once it logs `ready`. */
async function startCompiled(
  entry: string,
  env: Record<string, string>,
  ready: string,
  app = APP,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(app, 'dist', entry)], {
    cwd: app,
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

const ROLES = ['api', 'scraper', 'checker'].map((role) => path.join(REPO, 'apps', role));

beforeAll(() => {
  for (const app of ROLES) execFileSync(path.join(app, 'node_modules/.bin/tsup'), { cwd: app, stdio: 'pipe' });
}, 180_000);
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
    const api = await startCompiled('main.js', apiEnv(port, { DRAIN_MS: '2000' }), '"api listening"');
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

  it('finishes a 10 s request in flight after SIGTERM, then exits 0', async () => {
    // A manual scrape with no scraper running waits SCRAPE_WAIT_MS for its job, then answers 202: a request
    // that takes as long as we say.
    const db = createDatabase({ url: process.env.DATABASE_URL!, poolSize: 1 });
    const admin = await registerUser(db, 0, {
      email: `drain-${randomUUID()}@example.test`,
      displayName: 'Drain',
      role: 'admin',
    });
    const source = await db.source.create({
      data: { url: `http://127.0.0.1:9/${randomUUID()}.txt`, parserName: 'plaintext', cronSchedule: '0 0 1 1 *' },
    });
    await db.$disconnect();
    const port = await freePort();
    const api = await startCompiled(
      'main.js',
      apiEnv(port, { SCRAPE_WAIT_MS: '10000', DRAIN_MS: '25000' }),
      '"api listening"',
    );
    const started = Date.now();
    const inFlight = fetch(`http://127.0.0.1:${port}/sources/${source.id}/scrape`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin.api_key.key}` },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const exited = new Promise<number | null>((resolve) => api.once('exit', resolve));
    api.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
    expect(await exited).toBe(0);
  }, 60_000);

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

describe('the compiled roles together', () => {
  it('scrape a list and validate its proxy: api, scraper and checker all from dist', async () => {
    const db = createDatabase({ url: process.env.DATABASE_URL!, poolSize: 1 });
    const admin = await registerUser(db, 0, {
      email: `smoke-${randomUUID()}@example.test`,
      displayName: 'Smoke',
      role: 'admin',
    });
    await db.$disconnect();
    const proxy = await forwardProxy({ kind: 'elite', exitAddress: '127.0.43.1' });
    const lists = await sourceListServer({ routes: { '/smoke.txt': { body: `${proxy.host}:${proxy.port}\n` } } });
    const port = await freePort();
    const env = {
      DATABASE_URL: process.env.DATABASE_URL!,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX,
      NODE_ENV: 'test',
      ALLOW_PRIVATE_TARGETS: 'true',
      JUDGE_URL: `http://127.0.0.1:${port}/judge`,
      // The API's TLS judge listener, which the checker's tls_integrity stage reaches on the same host.
      JUDGE_TLS_PORT: String(await freePort()),
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
    };
    try {
      await startCompiled('main.js', { ...env, PORT: String(port), HOST: '127.0.0.1' }, '"api listening"');
      await startCompiled('main.js', env, '"scraper started"', path.join(REPO, 'apps/scraper'));
      await startCompiled('main.js', env, '"checker started"', path.join(REPO, 'apps/checker'));
      const call = (method: string, route: string, body?: unknown) =>
        fetch(`http://127.0.0.1:${port}${route}`, {
          method,
          headers: { Authorization: `Bearer ${admin.api_key.key}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const created = await call('POST', '/sources', {
        url: lists.urlFor('/smoke.txt'),
        parser_name: 'plaintext',
        cron_schedule: '0 0 1 1 *',
        default_protocol: 'http',
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await call('POST', `/sources/${id}/scrape`)).status).toBe(200);
      const deadline = Date.now() + 30_000;
      let active: Array<{ ip: string; port: number; anonymity: string }> = [];
      while (active.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const page = (await (await call('GET', '/proxies?status=active')).json()) as { items: typeof active };
        active = page.items.filter((item) => item.port === proxy.port);
      }
      expect(active).toEqual([expect.objectContaining({ ip: proxy.host, port: proxy.port, anonymity: 'elite' })]);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.all([lists.close(), proxy.close()]);
    }
  }, 90_000);
});
