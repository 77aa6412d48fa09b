/**
 * `npm start`: every role (api, scraper, checker) in one process, for a single machine.
 * Uses DATABASE_URL when it answers; otherwise starts an embedded PostgreSQL. Applies migrations first.
 */
import { createLogger } from '@proxy-pool/logger';
import { loadStandaloneConfig } from './config.js';
import { canConnect, createDatabaseIfMissing, migrate, startEmbeddedPostgres } from './postgres.js';
import { startRoles } from './roles.js';

const config = loadStandaloneConfig();
const logger = createLogger({ service: 'standalone', level: config.LOG_LEVEL });
let databaseUrl = config.DATABASE_URL;
let stopEmbedded: (() => Promise<void>) | undefined;

if (!(await canConnect(databaseUrl))) {
  if (!config.EMBEDDED_POSTGRES_FALLBACK) throw new Error(`PostgreSQL does not answer at ${new URL(databaseUrl).host}`);
  logger.warn('PostgreSQL does not answer; starting an embedded server', { host: new URL(databaseUrl).host });
  const embedded = await startEmbeddedPostgres();
  databaseUrl = embedded.url;
  stopEmbedded = embedded.stop;
}
await createDatabaseIfMissing(databaseUrl);
await migrate(databaseUrl);
logger.info('database ready');

const stopRoles = await startRoles({ ...config.env, DATABASE_URL: databaseUrl });

const shutdown = async () => {
  logger.info('stopping');
  await stopRoles();
  await stopEmbedded?.();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
