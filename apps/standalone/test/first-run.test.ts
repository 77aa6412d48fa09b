/**
 * A newcomer's first run, word for word: a fresh clone of this repository, the README's quick-start commands,
 * no PostgreSQL or Redis where the configuration points. The pool fills from a catalog of loopback lists
 * (SOURCE_CATALOG) served by real fake proxies, so nothing leaves this machine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  deadPort,
  forwardProxy,
  sourceListServer,
  type ForwardProxy,
  type SourceListServer,
} from '@proxy-pool/test-kit';
import {
  eventually,
  launcherPid,
  listenPort,
  optionalCommand,
  quickStartCommands,
  repoRoot,
  run,
  startProcess,
  type Started,
  terminate,
  waitForHealth,
} from './support/quick-start.js';

describe('first run from a fresh clone with the README quick start', () => {
  let workDir: string;
  let checkout: string;
  let lists: SourceListServer;
  let proxies: ForwardProxy[];
  const running: Started[] = [];
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'proxy-pool-first-run-'));
    // As root, the embedded PostgreSQL runs as the postgres user, who must be able to reach the checkout.
    chmodSync(workDir, 0o755);
    checkout = path.join(workDir, 'proxy-pool');
    await run('git', ['clone', '--quiet', repoRoot, checkout]);
    proxies = await Promise.all([1, 2, 3].map((n) => forwardProxy({ kind: 'elite', exitAddress: `127.0.42.${n}` })));
    lists = await sourceListServer({
      routes: { '/http.txt': { body: proxies.map((proxy) => `${proxy.host}:${proxy.port}\n`).join('') } },
    });
    const catalog = path.join(workDir, 'catalog.json');
    writeFileSync(
      catalog,
      JSON.stringify({
        sources: [
          {
            name: 'local-http',
            url: lists.urlFor('/http.txt'),
            parser: 'plaintext',
            default_protocol: 'http',
            schedule: '0 0 1 1 *',
            note: 'Loopback list of three elite proxies.',
          },
        ],
      }),
    );
    const [database, redis] = [await deadPort(), await deadPort()];
    port = await listenPort();
    env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
    Object.assign(env, {
      DATABASE_URL: `postgresql://postgres@${database.host}:${database.port}/proxypool`,
      REDIS_URL: `redis://${redis.host}:${redis.port}`,
      PORT: String(port),
      GATEWAY_PORT: String(await listenPort()),
      JUDGE_TLS_PORT: String(await listenPort()),
      ALLOW_PRIVATE_TARGETS: 'true',
      SOURCE_CATALOG: catalog,
      DRAIN_MS: '20000',
    });
  }, 60_000);

  afterAll(async () => {
    for (const started of running) {
      if (started.child.exitCode !== null) continue;
      const launcher = await launcherPid(started).catch(() => undefined);
      if (launcher) process.kill(launcher, 'SIGKILL');
      started.child.kill('SIGKILL');
    }
    // A killed launcher leaves its embedded servers running: stop them through their pids.
    for (const kind of ['postgres', 'redis']) {
      try {
        const state = JSON.parse(readFileSync(path.join(checkout, 'data', `${kind}.json`), 'utf8')) as { pid?: number };
        if (state.pid) process.kill(state.pid, 'SIGTERM');
      } catch {
        // not started, or already stopped
      }
    }
    await Promise.all([lists?.close(), ...(proxies ?? []).map((proxy) => proxy.close())]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(workDir, { recursive: true, force: true });
  });

  it('installs, starts on embedded servers, fills the pool, keeps its data across a restart and stops cleanly', async () => {
    const commands = quickStartCommands();
    expect(commands).toEqual(['npx --yes pnpm@12.4.2 install', 'npm start']);
    const [install, start] = commands as [string, string];

    const installed = startProcess(install, checkout, env);
    expect(await installed.exited).toBe(0);

    // First start: embedded PostgreSQL and Redis, migrations, first admin, catalog.
    const first = startProcess(start, checkout, env);
    running.push(first);
    const firstStartMs = await waitForHealth(port, first, 240_000);
    const keys = first.output().match(/pp_[A-Za-z0-9]{48}/g) ?? [];
    expect(new Set(keys).size).toBe(1);
    const key = keys[0]!;
    expect(first.output()).toContain('First admin created: admin@localhost');
    // The key appears in the frame only (and in its curl example), never in a JSON log line.
    const logLines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(logLines.some((line) => line.includes(key))).toBe(false);
    const auth = { Authorization: `Bearer ${key}` };
    const account = await fetch(`http://127.0.0.1:${port}/account`, { headers: auth }).then(
      (res) => res.json() as Promise<{ role: string; email: string }>,
    );
    expect(account).toMatchObject({ role: 'admin', email: 'admin@localhost' });

    // The catalog was added on this first start; scraping it fills the pool with validated proxies.
    const sources = await fetch(`http://127.0.0.1:${port}/sources`, { headers: auth }).then(
      (res) => res.json() as Promise<{ items: Array<{ id: string; url: string }> }>,
    );
    expect(sources.items.map((source) => source.url)).toEqual([lists.urlFor('/http.txt')]);
    const sourceId = sources.items[0]!.id;
    const scrape = await fetch(`http://127.0.0.1:${port}/sources/${sourceId}/scrape`, {
      method: 'POST',
      headers: auth,
    });
    expect(scrape.status).toBe(200);
    const active = await eventually(
      async () => {
        const page = (await fetch(`http://127.0.0.1:${port}/proxies?status=active`, { headers: auth }).then((res) =>
          res.json(),
        )) as { items: unknown[] };
        return page.items.length === proxies.length ? page.items : undefined;
      },
      60_000,
      'every catalog proxy to become active',
    );
    expect(active).toHaveLength(3);

    // The README's optional catalog command finds the embedded database by itself, and adds nothing twice.
    const imported = startProcess(optionalCommand('npm run admin -- sources import-catalog'), checkout, env);
    expect(await imported.exited).toBe(0);
    expect(imported.output()).toContain('Catalog: 0 sources added, 1 already present.');

    expect(await terminate(first)).toBe(0);
    expect(first.output()).toContain('"message":"stopped"');

    // Restart: same data, no new key, the same key works, the source is still there.
    const second = startProcess(start, checkout, env);
    running.push(second);
    const restartMs = await waitForHealth(port, second, 120_000);
    expect(second.output()).not.toMatch(/pp_[A-Za-z0-9]{48}/);
    const kept = await fetch(`http://127.0.0.1:${port}/sources`, { headers: auth }).then(
      (res) => res.json() as Promise<{ items: Array<{ id: string }> }>,
    );
    expect(kept.items.map((source) => source.id)).toEqual([sourceId]);

    // A second `npm start` on this host with another PORT (and GATEWAY_PORT, JUDGE_TLS_PORT) comes up beside it, on the same embedded servers.
    const otherPort = await listenPort();
    const beside = startProcess(start, checkout, {
      ...env,
      PORT: String(otherPort),
      GATEWAY_PORT: String(await listenPort()),
      JUDGE_TLS_PORT: String(await listenPort()),
    });
    running.push(beside);
    await waitForHealth(otherPort, beside, 120_000);
    const seenByOther = await fetch(`http://127.0.0.1:${otherPort}/account`, { headers: auth });
    expect(seenByOther.status).toBe(200);
    expect(await terminate(beside)).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    // A PORT that is taken: one JSON line naming the port and the setting, exit 1, the running one unharmed.
    const clash = startProcess(start, checkout, env);
    expect(await clash.exited).toBe(1);
    const errors = clash
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!)).toMatchObject({ port, setting: 'PORT' });
    expect(clash.output()).not.toContain('    at ');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    // SIGTERM with a request in flight: the request is answered, then the process exits 0.
    lists.setRoute('/http.txt', {
      body: proxies.map((proxy) => `${proxy.host}:${proxy.port}\n`).join(''),
      delayMs: 3_000,
    });
    const inFlight = fetch(`http://127.0.0.1:${port}/sources/${sourceId}/scrape`, { method: 'POST', headers: auth });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stopped = terminate(second);
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await stopped).toBe(0);

    process.stdout.write(`first start to /health 200: ${firstStartMs} ms; restart: ${restartMs} ms\n`);
  }, 480_000);
});
