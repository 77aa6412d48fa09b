import { createServer, type Server } from 'node:http';
import { processEnvironment } from '@proxy-pool/config';
import { listen, PortUnavailableError } from '@proxy-pool/worker-runtime';
import { createApp } from './app.js';
import { answerClientErrorsInEnvelope } from './http/client-errors.js';
import { closeApiContext, openApiContext } from './bootstrap.js';
import { loadApiConfig } from './config.js';
import type { ApiContext } from './context.js';
import { markDraining } from './routes/health.routes.js';
import { startJudgeTlsListener, type JudgeTlsListener } from './judge/judge-tls.js';

export interface RunningApi {
  server: Server;
  ctx: ApiContext;
  /** The judge's TLS listener (absent with JUDGE_TLS_PORT=0). */
  judgeTls?: JudgeTlsListener;
  /**
   * Stops accepting connections, lets in-flight requests finish (at most DRAIN_MS, then cuts what is left),
   * then closes the API's connections to PostgreSQL and Redis.
   */
  stop: () => Promise<void>;
}

/** Starts the API and returns a stop function (used by the all-in-one launcher too). */
export async function startApi(env: Record<string, string | undefined>): Promise<RunningApi> {
  const config = loadApiConfig(env);
  const ctx = openApiContext(config);
  const server = createServer(createApp(ctx));
  answerClientErrorsInEnvelope(server);
  let judgeTls: JudgeTlsListener | undefined;
  try {
    await listen(server, config.PORT, config.HOST, 'PORT');
    if (config.JUDGE_TLS_PORT > 0)
      judgeTls = await startJudgeTlsListener(
        { ...config, host: config.HOST, secret: config.JUDGE_SECRET },
        ctx.db.pool,
        {
          onRetry: (error) =>
            ctx.logger.warn('judge TLS certificate not loaded yet, retrying', { error: (error as Error).message }),
        },
      );
  } catch (error) {
    if (server.listening) server.close();
    await closeApiContext(ctx);
    throw error;
  }
  ctx.logger.info('api listening', { host: config.HOST, port: config.PORT, version: ctx.version });
  judgeTls?.ready.then(
    ({ fingerprint, source }) =>
      ctx.logger.info('judge TLS listening', { port: judgeTls?.port, certificate: source, fingerprint }),
    (error: unknown) => ctx.logger.error('judge TLS listener has no certificate', { error: (error as Error).message }),
  );
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= Promise.all([judgeTls?.stop(), drainAndClose(server, ctx, config.DRAIN_MS)]).then(() => undefined));
  return { server, ctx, judgeTls, stop };
}

async function drainAndClose(server: Server, ctx: ApiContext, drainMs: number): Promise<void> {
  markDraining(ctx);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections go as soon as they are idle; a request in flight keeps its connection until answered.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => {
    ctx.logger.warn('drain time exceeded, closing the remaining connections', { drain_ms: drainMs });
    server.closeAllConnections();
  }, drainMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
  await closeApiContext(ctx);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { stop, ctx } = await startApi(processEnvironment());
    const shutdown = () => {
      ctx.logger.info('shutting down', { drain_ms: ctx.config.DRAIN_MS });
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  } catch (error) {
    if (!(error instanceof PortUnavailableError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'error', message: error.message, port: error.port, setting: error.setting, service: 'api' })}\n`,
    );
    process.exit(1);
  }
}
