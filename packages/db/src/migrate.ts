import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { withDatabase } from './cli-adapter.js';

const run = promisify(execFile);
const dbPackageDir = fileURLToPath(new URL('..', import.meta.url));

/** Creates the URL's database when the server has none of that name (`recreate` drops it first). */
export async function createDatabaseIfMissing(url: string, { recreate = false } = {}): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    if (recreate) await admin.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0)
      await admin.query(`CREATE DATABASE ${quoted}`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== '42P04') throw error;
      });
  } finally {
    await admin.end();
  }
}

/** Applies prisma/migrations with the stock `prisma migrate deploy` (it takes an advisory lock: safe to race). */
export async function migrateDatabase(url: string, env: Record<string, string | undefined>): Promise<void> {
  await run('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], {
    cwd: dbPackageDir,
    env: { ...env, DATABASE_URL: url },
  });
}

const migrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

/**
 * Migrations in prisma/migrations that the database has not finished applying. `prisma migrate deploy` takes
 * ~10 s even with nothing to do (an advisory-lock timer), so a restart asks this first.
 */
export async function pendingMigrations(url: string): Promise<string[]> {
  const folders = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query(`SELECT to_regclass('_prisma_migrations') AS name`);
    if (!table.rows[0]?.name) return folders;
    const applied = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Set(applied.rows.map((row) => row.migration_name));
    return folders.filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}
