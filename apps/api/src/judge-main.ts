import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processEnvironment } from '@proxy-pool/config';
import { createLogger } from '@proxy-pool/logger';
import { loadJudgeConfig } from './config.js';
import { createJudgeServer } from './judge/judge-server.js';

/** Starts the judge-only listener and returns it with a stop function. */
export async function startJudge(
  env: Record<string, string | undefined>,
): Promise<{ server: Server; port: number; stop: () => Promise<void> }> {
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
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const drain = setTimeout(() => server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(drain);
  };
  return { server, port, stop };
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
