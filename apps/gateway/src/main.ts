import { processEnvironment } from '@proxy-pool/config';
import { createLogger, type Logger } from '@proxy-pool/logger';
import { installShutdown, startWorkerHealth } from '@proxy-pool/worker-runtime';
import { loadGatewayConfig } from './config.js';
import { openGateway, type Gateway, type GatewayOptions } from './gateway.js';

export interface RunningGateway {
  gateway: Gateway;
  /** The proxy port (GATEWAY_PORT, or the one the system picked for 0). */
  port: number;
  /** Undefined when started without a health server. */
  healthPort: number | undefined;
  /** Stops accepting, lets open tunnels finish (within `drainMs`, default none), writes the last figures, closes. */
  stop: (drainMs?: number) => Promise<void>;
}

/** Starts the gateway role: the proxy port (HTTP, CONNECT, SOCKS5) and the health port. */
export async function startGateway(
  env: Record<string, string | undefined>,
  options: Partial<GatewayOptions> = {},
  runtime: { healthServer?: boolean } = {},
): Promise<RunningGateway> {
  const config = loadGatewayConfig(env);
  const logger: Logger =
    options.logger ??
    createLogger({
      service: 'gateway',
      level: config.LOG_LEVEL,
      pretty: config.NODE_ENV === 'development' && process.stdout.isTTY,
    });
  const gateway = await openGateway(config, { ...options, logger });
  const health = await startWorkerHealth({
    enabled: runtime.healthServer ?? true,
    port: config.HEALTH_PORT,
    host: config.HEALTH_HOST,
    workers: [],
    isReady: () => gateway.isReady(),
    registry: gateway.metrics.registry,
  }).catch(async (error: unknown) => {
    await gateway.close();
    throw error;
  });
  logger.info('gateway started', { port: gateway.port, health_port: health.port, max_tries: config.GATEWAY_MAX_TRIES });
  const stop = async (drainMs = 0) => {
    if (drainMs > 0) await gateway.drain(drainMs);
    await gateway.close();
    await health.close();
  };
  return { gateway, port: gateway.port, healthPort: health.port, stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadGatewayConfig();
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const { gateway, stop } = await startGateway(processEnvironment(), { logger, defaultMetrics: true });
  installShutdown({
    logger,
    drainMs: config.DRAIN_MS + 2_000,
    steps: [
      { name: 'stop accepting and let open tunnels finish', run: () => gateway.drain(config.DRAIN_MS) },
      { name: 'close connections', run: () => stop() },
    ],
  });
}
