/**
 * `npm start`: every role (api, scraper, checker) in one process, for a single machine. Uses DATABASE_URL and
 * REDIS_URL when they answer; otherwise runs embedded PostgreSQL and Redis servers that keep their data under
 * DATA_DIR. Migrates, creates the first admin and adds the source catalog on a first start, then serves.
 */
import { privateJudgeProblem } from '@proxy-pool/checker';
import { createDatabase, createDatabaseIfMissing, migrateDatabase, pendingMigrations } from '@proxy-pool/db';
import { ensureLocalServices, LocalServiceError } from '@proxy-pool/embedded-services';
import { createLogger } from '@proxy-pool/logger';
import { PortUnavailableError } from '@proxy-pool/worker-runtime';
import { loadStandaloneConfig } from './config.js';
import { firstStart } from './first-start.js';
import { judgeSecret } from './judge-secret.js';
import { startRoles, type RunningRoles } from './roles.js';

const startedAt = Date.now();
const config = loadStandaloneConfig();
const logger = createLogger({ service: 'standalone', level: config.LOG_LEVEL });
let stopServices: () => Promise<void> = async () => undefined;
let roles: RunningRoles | undefined;

let stopping = false;
/** The start-up below; a signal that arrives during it stops what it started once it is done. */
let starting: Promise<void> = Promise.resolve();
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info('stopping', { signal, drain_ms: config.DRAIN_MS });
  await starting;
  let code = 0;
  try {
    await roles?.stop(config.DRAIN_MS);
  } catch (error) {
    code = 1;
    logger.error('stop failed', { error });
  }
  await stopServices();
  logger.info('stopped');
  process.exit(code);
};
// Handled from the first moment: a Ctrl-C or SIGTERM while the roles start still drains and stops the servers.
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

starting = (async () => {
  try {
    const services = await ensureLocalServices({
      dataDir: config.DATA_DIR,
      databaseUrl: config.DATABASE_URL,
      redisUrl: config.REDIS_URL,
      embeddedPostgres: config.EMBEDDED_POSTGRES,
      embeddedRedis: config.EMBEDDED_REDIS,
      log: (message, fields) => logger.info(message, fields),
    });
    stopServices = services.stop;
    await createDatabaseIfMissing(services.databaseUrl);
    const pending = await pendingMigrations(services.databaseUrl);
    if (pending.length > 0) {
      logger.info('applying migrations', { pending: pending.length });
      await migrateDatabase(services.databaseUrl, config.env);
    }
    const env = {
      ...config.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      JUDGE_SECRET: config.env.JUDGE_SECRET ?? judgeSecret(config.DATA_DIR),
      // In one process the checker's judge is this API, wherever it listens.
      JUDGE_URL: config.env.JUDGE_URL ?? `http://127.0.0.1:${config.PORT}/judge`,
    };
    const db = createDatabase({ url: services.databaseUrl, poolSize: 2 });
    const apiUrl = `http://127.0.0.1:${config.PORT}`;
    try {
      await firstStart(db, config, env, apiUrl, logger);
    } finally {
      await db.$disconnect();
    }
    const judgeProblem = await privateJudgeProblem(env.JUDGE_URL, config.ALLOW_PRIVATE_TARGETS);
    if (judgeProblem) {
      logger.warn('public proxies cannot pass validation until the judge is reachable from the internet', {
        problem: judgeProblem,
      });
    }
    roles = await startRoles(env);
    logger.info('proxy pool ready', { url: apiUrl, startup_ms: Date.now() - startedAt, judge_url: env.JUDGE_URL });
  } catch (error) {
    await stopServices();
    if (error instanceof PortUnavailableError) {
      logger.error(error.message, { port: error.port, host: error.host, setting: error.setting });
    } else if (error instanceof LocalServiceError) {
      logger.error(error.message);
    } else {
      logger.error('start failed', { error });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.exit(1);
  }
})();
