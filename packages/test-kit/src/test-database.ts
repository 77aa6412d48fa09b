/**
 * Prepares the test database for jest (run by jest/global-setup.mjs as a child process): a fresh,
 * migrated database on the configured server, or on an embedded PostgreSQL when none answers.
 * Prints `READY <url>` and stays alive until its stdin closes (the run ended, or jest died), then drops
 * the database and stops an embedded server.
 */
import pg from 'pg';
import { loadTestDatabaseConfig } from './config.js';
import { canConnect, createDatabaseIfMissing, migrate, startEmbeddedPostgres, withDatabase } from './postgres.js';

// Each run gets its own database, so concurrent runs on one server never share state.
const databaseName = `proxypool_test_${process.pid}`;
let url = withDatabase(loadTestDatabaseConfig().TEST_DATABASE_URL, databaseName);
let stopEmbedded: (() => Promise<void>) | undefined;
if (!(await canConnect(url))) {
  const embedded = await startEmbeddedPostgres('proxy-pool-test');
  stopEmbedded = embedded.stop;
  url = withDatabase(embedded.url, databaseName);
}
await createDatabaseIfMissing(url, { recreate: true });
await migrate(url);
process.stdout.write(`READY ${url}\n`);

const shutdown = async () => {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect().then(() => admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await stopEmbedded?.();
  process.exit(0);
};
process.stdin.resume();
process.stdin.once('end', () => void shutdown());
process.stdin.once('close', () => void shutdown());
