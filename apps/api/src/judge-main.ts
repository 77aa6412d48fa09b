import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processEnvironment } from '@proxy-pool/config';
import { createDatabase } from '@proxy-pool/db';
import { createLogger, type Logger } from '@proxy-pool/logger';
import { loadJudgeConfig, type JudgeConfig } from './config.js';
import { startJudgeTlsListener, type JudgeTlsListener } from './judge/judge-tls.js';
import { createJudgeServer } from './judge/judge-server.js';

/** Starts the judge-only listener and returns it with a stop function. */
export async function startJudge(
  env: Record<string, string | undefined>,
): Promise<{ server: Server; port: number; tls?: JudgeTlsListener; stop: () => Promise<void> }> {
  const config = loadJudgeConfig(env);
  const logger = createLogger({ service: 'judge', level: config.LOG_LEVEL });
  const server = createJudgeServer({ secret: config.JUDGE_SECRET });
  // Judge exchanges are single short requests: no reason to hold idle sockets from the whole internet.
  server.keepAliveTimeout = 2_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve) => server.listen(config.JUDGE_PORT, config.JUDGE_HOST, () => resolve()));
  const port = (server.address() as AddressInfo).port;
  logger.info('judge listening', { host: config.JUDGE_HOST, port });
  const tls = await startTls(config, logger).catch((error: unknown) => {
    server.close();
    throw error;
  });
  // The certificate files, or the database's certificate once it answers (retried meanwhile).
  const certified = await tls?.ready.catch(async (error: unknown) => {
    await tls.stop();
    server.close();
    throw error;
  });
  if (tls && certified)
    logger.info('judge TLS listening', {
      port: tls.port,
      certificate: certified.source,
      fingerprint: certified.fingerprint,
    });
  const stop = async () => {
    await tls?.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const drain = setTimeout(() => server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(drain);
  };
  return { server, port, tls, stop };
}

/** The TLS listener, its identity from the certificate files or else from the database (read, or generated once). */
async function startTls(config: JudgeConfig, logger: Logger): Promise<JudgeTlsListener | undefined> {
  if (config.JUDGE_TLS_PORT === 0) return undefined;
  if (config.JUDGE_TLS_CERT_FILE === undefined && config.DATABASE_URL === undefined) {
    // The judge-only process needs nothing else; TLS stays off rather than stopping a judge that worked before.
    logger.warn('judge TLS listener off: set JUDGE_TLS_CERT_FILE and JUDGE_TLS_KEY_FILE, or DATABASE_URL', {
      setting: 'JUDGE_TLS_PORT',
    });
    return undefined;
  }
  const db = config.DATABASE_URL === undefined ? undefined : createDatabase({ url: config.DATABASE_URL, poolSize: 1 });
  try {
    const tls = await startJudgeTlsListener(
      { ...config, host: config.JUDGE_HOST, secret: config.JUDGE_SECRET },
      db?.pool,
      {
        onRetry: (error) =>
          logger.warn('judge TLS certificate not loaded yet, retrying', { error: (error as Error).message }),
      },
    );
    await tls.ready;
    return tls;
  } finally {
    await db?.$disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { stop } = await startJudge(processEnvironment());
  const shutdown = () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
