import type { Server } from 'node:http';
import { processEnvironment } from '@proxy-pool/config';
import { createApp } from './app.js';
import { closeApiContext, openApiContext } from './bootstrap.js';
import { loadApiConfig } from './config.js';

/** Starts the API and returns a stop function (used by the all-in-one launcher too). */
export async function startApi(env: Record<string, string | undefined>): Promise<{ server: Server; stop: () => Promise<void> }> {
  const config = loadApiConfig(env);
  const ctx = openApiContext(config);
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(config.PORT, config.HOST, () => resolve(listening));
  });
  ctx.logger.info('api listening', { host: config.HOST, port: config.PORT, version: ctx.version });
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const drain = setTimeout(() => server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(drain);
    await closeApiContext(ctx);
  };
  return { server, stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { stop } = await startApi(processEnvironment());
  const shutdown = () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
