/**
 * `npm run db:migrate`: applies the migrations to DATABASE_URL, or, when that does not answer, to the embedded
 * PostgreSQL that `npm start` runs under DATA_DIR.
 */
import { createDatabaseIfMissing, migrateDatabase, pendingMigrations } from '@proxy-pool/db';
import { findRunningServices } from '@proxy-pool/embedded-services';
import { loadStandaloneConfig } from './config.js';

const config = loadStandaloneConfig();
const { databaseUrl } = await findRunningServices(config.DATA_DIR, {
  databaseUrl: config.DATABASE_URL,
  redisUrl: config.REDIS_URL,
});
await createDatabaseIfMissing(databaseUrl);
const pending = await pendingMigrations(databaseUrl);
await migrateDatabase(databaseUrl, config.env);
process.stdout.write(
  `Applied ${pending.length} migration(s) to ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}.\n`,
);
