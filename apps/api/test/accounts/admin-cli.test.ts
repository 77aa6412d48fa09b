import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase } from '@proxy-pool/db';
import { createQueue, createRedis } from '@proxy-pool/queues';
import { loadCatalog } from '@proxy-pool/source-catalog';
import { clearKeys, privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { startTestApi, type TestApi } from '../support/harness.js';
import { bearer, registerViaApi, uniqueEmail } from './support.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the admin command as a child process, as an operator would (DATABASE_URL from the test env). */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/api/src/admin-cli.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: process.env.DATABASE_URL ?? '', ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('admin CLI', () => {
  it('creates an admin and prints its key once; the key works on admin endpoints', async () => {
    const email = uniqueEmail('Admin');
    const result = await runCli(['create', '--email', email, '--name', 'Root Admin'], { SIGNUP_CREDITS: '3' });
    expect(result).toEqual({ code: 0, stdout: expect.any(String), stderr: '' });
    const keys = result.stdout.match(/pp_[A-Za-z0-9]{48}/g) ?? [];
    expect(keys).toHaveLength(1);
    const auth = bearer(keys[0]!);

    const account = await api.request.get('/account').set(auth);
    expect(account.status).toBe(200);
    expect(account.body).toEqual(
      expect.objectContaining({ email, display_name: 'Root Admin', role: 'admin', credit_balance: 3 }),
    );

    const customer = await registerViaApi(api);
    const granted = await api.request
      .post(`/admin/users/${customer.userId}/credits`)
      .set(auth)
      .send({ amount: 50, description: 'Welcome' });
    expect(granted.status).toBe(201);

    const hits = await api.ctx.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM api_keys k WHERE row_to_json(k)::text LIKE ${`%${keys[0]!.slice(3)}%`}`;
    expect(hits[0]!.n).toBe(0);
  }, 90_000);

  it('refuses to create a second account for a taken email, pointing at promote', async () => {
    const user = await registerViaApi(api);
    const result = await runCli(['create', '--email', user.email.toUpperCase()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('promote');
    expect((await api.request.get('/account').set(user.auth)).body.role).toBe('user');
  }, 90_000);

  it('promotes an existing user to admin', async () => {
    const user = await registerViaApi(api);
    const result = await runCli(['promote', '--email', user.email]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Promoted');
    expect((await api.request.get('/account').set(user.auth)).body.role).toBe('admin');
    const unknown = await runCli(['promote', '--email', uniqueEmail()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not found');
  }, 90_000);

  it('rejects bad arguments without touching the database', async () => {
    const [badEmail, badCommand] = await Promise.all([
      runCli(['create', '--email', 'not-an-email']),
      runCli(['frobnicate']),
    ]);
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('--email');
    expect(badCommand.code).toBe(2);
    expect(badCommand.stderr).toContain('Usage');
  }, 90_000);
});

describe('admin CLI: sources import-catalog', () => {
  // The catalog names public lists: they go to a database of their own that no scraper reads, and their
  // schedulers to a queue prefix no worker consumes.
  let database: PrivateDatabase;
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = createRedis(redisUrl, 'worker');
  const catalogSize = loadCatalog().length;

  beforeAll(async () => {
    database = await privateDatabase();
  });
  afterAll(async () => {
    await clearKeys(redis, prefix);
    redis.disconnect();
    await database.drop();
  });

  const importCatalogCli = (env: Record<string, string> = {}) =>
    runCli(['sources', 'import-catalog'], {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      ...env,
    });

  it('adds the catalog once, scheduled at once, and says so; a second run adds nothing', async () => {
    const first = await importCatalogCli();
    expect(first).toEqual({
      code: 0,
      stdout: `Catalog: ${catalogSize} sources added, 0 already present.\n`,
      stderr: '',
    });
    const db = createDatabase({ url: database.url, poolSize: 1 });
    const scrape = createQueue('scrape', { connection: redis, prefix });
    try {
      const sources = await db.source.findMany();
      expect(sources).toHaveLength(catalogSize);
      const schedulers = await scrape.getJobSchedulers(0, -1);
      expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(
        sources.map((source) => `source:${source.id}`).sort(),
      );

      const second = await importCatalogCli();
      expect(second).toEqual({
        code: 0,
        stdout: `Catalog: 0 sources added, ${catalogSize} already present.\n`,
        stderr: '',
      });
      expect(await db.source.count()).toBe(catalogSize);
    } finally {
      await scrape.close();
      await db.$disconnect();
    }
  }, 90_000);

  it('refuses to import while Redis does not answer, writing nothing', async () => {
    const other = await privateDatabase();
    try {
      const result = await runCli(['sources', 'import-catalog'], {
        DATABASE_URL: other.url,
        REDIS_URL: 'redis://127.0.0.1:1',
        QUEUE_PREFIX: prefix,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Redis at redis://127.0.0.1:1 does not answer: nothing imported');
      const db = createDatabase({ url: other.url, poolSize: 1 });
      expect(await db.source.count()).toBe(0);
      await db.$disconnect();
    } finally {
      await other.drop();
    }
  }, 90_000);

  it('imports a catalog of one’s own from SOURCE_CATALOG, and names the problems of a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const other = await privateDatabase();
    try {
      const own = join(dir, 'own.json');
      writeFileSync(
        own,
        JSON.stringify({
          sources: [
            {
              name: 'own',
              url: 'https://lists.example.com/socks5.txt',
              parser: 'plaintext',
              default_protocol: 'socks5',
              schedule: '*/45 * * * *',
              note: 'Ours.',
            },
          ],
        }),
      );
      const env = { DATABASE_URL: other.url, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix };
      expect(await runCli(['sources', 'import-catalog'], { ...env, SOURCE_CATALOG: own })).toMatchObject({
        code: 0,
        stdout: 'Catalog: 1 sources added, 0 already present.\n',
      });
      const bad = join(dir, 'bad.json');
      writeFileSync(
        bad,
        JSON.stringify({
          sources: [
            {
              name: 'bad',
              url: 'ftp://lists.example.com/x',
              parser: 'yaml',
              default_protocol: 'socks5',
              schedule: '* *',
              note: 'Bad.',
            },
          ],
        }),
      );
      const refused = await runCli(['sources', 'import-catalog'], { ...env, SOURCE_CATALOG: bad });
      expect(refused.code).toBe(1);
      for (const problem of ['sources.0.url', 'sources.0.parser', 'sources.0.schedule'])
        expect(refused.stderr).toContain(problem);
      const db = createDatabase({ url: other.url, poolSize: 1 });
      expect((await db.source.findMany()).map((source) => source.url)).toEqual([
        'https://lists.example.com/socks5.txt',
      ]);
      await db.$disconnect();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await other.drop();
    }
  }, 90_000);

  it('prints the usage for an unknown sources command', async () => {
    const result = await runCli(['sources', 'frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('npm run admin -- sources import-catalog');
  }, 90_000);
});
