import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { createDatabase, pingDatabase, type Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import { createRedis, type RedisConnection } from '@proxy-pool/queues';
import { listen } from '@proxy-pool/worker-runtime';
import { ConnectionCredits } from './billing/connection-credits.js';
import type { GatewayConfig } from './config.js';
import type { FrontContext } from './front/context.js';
import { createHttpFront } from './front/http-front.js';
import { serveSocks5 } from './front/socks5-front.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import { ForwardAgent } from './upstream/forward-agent.js';
import { AllowedClients } from './steering/allowed-clients.js';
import { CandidatePool } from './steering/candidate-pool.js';
import { KeyHolders } from './steering/key-holders.js';
import { StickySessions } from './steering/sticky-sessions.js';
import { OutcomeFeedback } from './usage/outcome-feedback.js';
import { UsageMeter } from './usage/usage-meter.js';

export interface GatewayOptions {
  logger: Logger;
  /** Process metrics (CPU, memory, event loop) in this gateway's registry: only one registry per process may. */
  defaultMetrics?: boolean;
}

export interface Gateway {
  port: number;
  metrics: GatewayMetrics;
  db: Database;
  redis: RedisConnection;
  /** The cached candidates of rotating connections. */
  candidatePool: CandidatePool;
  isReady(): Promise<boolean>;
  /** Tunnels and requests open now. */
  openConnections(): number;
  /** Stops accepting; open tunnels and requests may finish for up to `drainMs`, then are cut. */
  drain(drainMs: number): Promise<void>;
  /** Cuts whatever is open, writes the last batches, closes connections. */
  close(): Promise<void>;
}

/** The first byte of a connection tells SOCKS5 (0x05) from HTTP (a method name). */
const SOCKS5_VERSION = 0x05;

export async function openGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const db = createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const redis = createRedis(config.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  const metrics = createGatewayMetrics(options.defaultMetrics ?? false);
  const usage = new UsageMeter(db);
  const outcomes = new OutcomeFeedback(db);
  const candidatePool = new CandidatePool(db, config.DATABASE_URL, config.GATEWAY_CANDIDATE_CACHE_MS);
  const context: FrontContext = {
    auth: { keyHolders: new KeyHolders(db), allowedClients: new AllowedClients(db) },
    route: {
      db,
      candidatePool,
      sessions: new StickySessions(db, redis, config.QUEUE_PREFIX),
      credits: new ConnectionCredits(db, redis, config.QUEUE_PREFIX, config.GATEWAY_CONNECTIONS_PER_CREDIT),
      usage,
      outcomes,
      metrics,
      maxTries: config.GATEWAY_MAX_TRIES,
      candidates: config.GATEWAY_CANDIDATES,
      connectTimeoutMs: config.GATEWAY_CONNECT_TIMEOUT_MS,
      responseTimeoutMs: config.GATEWAY_RESPONSE_TIMEOUT_MS,
    },
    metrics,
    logger,
    retryStatuses: config.GATEWAY_RETRY_STATUSES,
    forwardAgent: new ForwardAgent(config.GATEWAY_CONNECT_TIMEOUT_MS, (seconds) =>
      metrics.upstreamLatency.observe({ protocol: 'http' }, seconds),
    ),
    clientIdleMs: config.GATEWAY_CLIENT_IDLE_MS,
    meter: (client, bytes) => {
      usage.add(client.apiKeyId, client.userId, bytes);
      metrics.bytes.inc({ direction: 'in' }, bytes.bytesIn);
      metrics.bytes.inc({ direction: 'out' }, bytes.bytesOut);
    },
    active: new Set(),
  };
  const httpFront = createHttpFront(context);
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(config.GATEWAY_CLIENT_IDLE_MS, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === SOCKS5_VERSION) void serveSocks5(context, socket);
      else httpFront.emit('connection', socket);
      socket.resume();
    });
  });
  // listen() is typed for http servers; it only uses what net.Server has (listen, once/off 'error').
  await listen(server as unknown as HttpServer, config.GATEWAY_PORT, config.GATEWAY_HOST, 'GATEWAY_PORT').catch(
    async (error: unknown) => {
      await candidatePool.close();
      await db.$disconnect();
      redis.disconnect();
      throw error;
    },
  );
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.GATEWAY_PORT;

  const flush = async (): Promise<void> => {
    await Promise.all([
      usage.flush().catch((error: unknown) => logger.warn('gateway usage not written yet', { error: String(error) })),
      outcomes
        .flush()
        .catch((error: unknown) => logger.warn('gateway proxy outcomes not written yet', { error: String(error) })),
    ]);
  };
  const flusher = setInterval(() => void flush(), config.GATEWAY_FLUSH_MS);
  flusher.unref();

  let closing: Promise<void> | undefined;
  const stopAccepting = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
  const cutEverything = (): void => {
    for (const handle of context.active) handle.close();
    for (const socket of sockets) socket.destroy();
    context.forwardAgent.destroy();
  };
  return {
    port,
    metrics,
    db,
    redis,
    candidatePool,
    isReady: async () => redis.status === 'ready' && (await pingDatabase(db)),
    openConnections: () => context.active.size,
    drain: async (drainMs) => {
      const closed = stopAccepting();
      httpFront.closeIdleConnections();
      const deadline = Date.now() + drainMs;
      while (context.active.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      cutEverything();
      await closed;
    },
    close: () => {
      closing ??= (async () => {
        const closed = stopAccepting();
        cutEverything();
        await closed;
        clearInterval(flusher);
        await flush();
        await candidatePool.close();
        await db.$disconnect();
        redis.disconnect();
      })();
      return closing;
    },
  };
}
