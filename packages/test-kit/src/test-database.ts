/**
 * Prepares the test database for jest (run by jest/global-setup.mjs as a child process) and for benchmarks: a
 * fresh, migrated database on TEST_DATABASE_URL's server, or on an embedded PostgreSQL in a temporary folder
 * when none answers. Prints `READY <url>` and stays alive until its stdin closes (the run ended, or its parent
 * died), then drops the database and stops and deletes an embedded server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig, processEnvironment } from '@proxy-pool/config';
import { createDatabaseIfMissing, migrateDatabase, withDatabase } from '@proxy-pool/db';
import { postgresAnswers, startPostgresServer } from '@proxy-pool/embedded-services';
import pg from 'pg';

const config = loadConfig(
  z.object({
    /** Server (any database on it) where each test run creates and drops its own database. */
    TEST_DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/postgres'),
  }),
);
const env = processEnvironment();

// Each run gets its own database, so concurrent runs on one server never share state.
const databaseName = `proxypool_test_${process.pid}`;
let url = withDatabase(config.TEST_DATABASE_URL, databaseName);
let stopEmbedded: (() => Promise<void>) | undefined;
if (!(await postgresAnswers(url))) {
  // World-searchable parent: as root, the server runs as the postgres user.
  const folder = mkdtempSync(path.join(tmpdir(), 'proxy-pool-test-pg-'));
  const server = await startPostgresServer({ dataDir: path.join(folder, 'cluster'), password: 'postgres' });
  stopEmbedded = async () => {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  };
  url = server.url(databaseName);
}
await createDatabaseIfMissing(url, { recreate: true });
await migrateDatabase(url, env);
process.stdout.write(`READY ${url}\n`);

const shutdown = async () => {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin
    .connect()
    .then(() => admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`))
    .catch(() => undefined);
  await admin.end().catch(() => undefined);
  await stopEmbedded?.();
  process.exit(0);
};
process.stdin.resume();
process.stdin.once('end', () => void shutdown());
process.stdin.once('close', () => void shutdown());
