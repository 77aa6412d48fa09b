import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { LocalServiceError } from './errors.js';
import { postgresAnswers, startPostgresServer } from './postgres-server.js';
import { findRedisServer, redisAnswers, startRedisServer } from './redis-server.js';
import { readServerState, writeServerState, type ServerKind } from './state-file.js';

export { LocalServiceError };

export interface LocalServicesOptions {
  /** Where embedded servers keep their data and address files (`postgres.json`, `redis.json`). */
  dataDir: string;
  databaseUrl: string;
  redisUrl: string;
  embeddedPostgres: boolean;
  embeddedRedis: boolean;
  /** One line per decision (which server is used, where it listens). */
  log: (message: string, fields: Record<string, unknown>) => void;
}

export interface LocalServices {
  databaseUrl: string;
  redisUrl: string;
  /** Stops the embedded servers this process started (not ones it found already running). */
  stop(): Promise<void>;
}

/** Host(s) for messages; a cluster's or Sentinel set's URL (several hosts) is no WHATWG URL, and loses only its credentials. */
const hostOf = (url: string) =>
  URL.canParse(url) ? new URL(url).host : (url.replace(/^[a-z+]+:\/\/([^@/]*@)?/, '').split(/[/?#]/)[0] ?? url);
const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1)) || 'proxypool';
const newPassword = () => randomBytes(18).toString('base64url');

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * The configured PostgreSQL and Redis when they answer; otherwise servers of our own under `dataDir`: an
 * embedded server already running there (left by another `npm start` on this checkout) is used as it is,
 * else one is started and its address written to `<dataDir>/<kind>.json` for `npm run admin` and friends.
 */
export async function ensureLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const databaseUrl = await ensurePostgres(options, stops);
    const redisUrl = await ensureRedis(options, stops);
    return { databaseUrl, redisUrl, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function ensurePostgres(options: LocalServicesOptions, stops: Array<() => Promise<void>>): Promise<string> {
  if (await postgresAnswers(options.databaseUrl)) return options.databaseUrl;
  if (!options.embeddedPostgres) {
    throw new LocalServiceError(
      `PostgreSQL does not answer at ${hostOf(options.databaseUrl)}: start it or set DATABASE_URL (or EMBEDDED_POSTGRES=true).`,
    );
  }
  const database = databaseName(options.databaseUrl);
  const running = await runningEmbedded(options.dataDir, 'postgres', postgresAnswers);
  if (running) {
    options.log('using the embedded PostgreSQL already running', {
      address: hostOf(running),
      data_dir: options.dataDir,
    });
    return withDatabase(running, database);
  }
  const state = readServerState(options.dataDir, 'postgres');
  const password = state?.password ?? newPassword();
  const server = await startPostgresServer({
    dataDir: path.join(options.dataDir, 'postgres'),
    preferredPort: state?.port,
    password,
  });
  stops.push(() => server.stop());
  writeServerState(options.dataDir, 'postgres', {
    url: server.url(database),
    port: server.port,
    password,
    pid: server.pid,
  });
  options.log('PostgreSQL does not answer at the configured address; started an embedded server', {
    configured: hostOf(options.databaseUrl),
    address: `127.0.0.1:${server.port}`,
    database,
    data_dir: path.join(options.dataDir, 'postgres'),
  });
  return server.url(database);
}

async function ensureRedis(options: LocalServicesOptions, stops: Array<() => Promise<void>>): Promise<string> {
  if (await redisAnswers(options.redisUrl)) return options.redisUrl;
  const running = options.embeddedRedis ? await runningEmbedded(options.dataDir, 'redis', redisAnswers) : undefined;
  if (running) {
    options.log('using the embedded Redis already running', { address: hostOf(running), data_dir: options.dataDir });
    return running;
  }
  const binary = options.embeddedRedis ? findRedisServer() : undefined;
  if (!binary) {
    throw new LocalServiceError(
      `Redis does not answer at ${hostOf(options.redisUrl)} and ${options.embeddedRedis ? 'no redis-server is on the PATH' : 'EMBEDDED_REDIS is off'}: ` +
        'install Redis 7+ (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
  }
  const state = readServerState(options.dataDir, 'redis');
  const password = state?.password ?? newPassword();
  const server = await startRedisServer(binary, {
    dataDir: path.join(options.dataDir, 'redis'),
    preferredPort: state?.port,
    password,
  });
  stops.push(() => server.stop());
  writeServerState(options.dataDir, 'redis', { url: server.url, port: server.port, password, pid: server.pid });
  options.log('Redis does not answer at the configured address; started a private redis-server', {
    configured: hostOf(options.redisUrl),
    address: `127.0.0.1:${server.port}`,
    data_dir: path.join(options.dataDir, 'redis'),
  });
  return server.url;
}

async function runningEmbedded(
  dataDir: string,
  kind: ServerKind,
  answers: (url: string) => Promise<boolean>,
): Promise<string | undefined> {
  const state = readServerState(dataDir, kind);
  return state && (await answers(state.url)) ? state.url : undefined;
}

/**
 * For commands run beside `npm start` (`npm run admin`, `npm run db:migrate`): the configured URLs when they
 * answer, else those of the embedded servers running under `dataDir`, else the configured ones unchanged.
 */
export async function findRunningServices(
  dataDir: string,
  urls: { databaseUrl: string; redisUrl: string },
): Promise<{ databaseUrl: string; redisUrl: string }> {
  const [postgresUp, redisUp] = await Promise.all([postgresAnswers(urls.databaseUrl), redisAnswers(urls.redisUrl)]);
  const embeddedPostgres = postgresUp ? undefined : await runningEmbedded(dataDir, 'postgres', postgresAnswers);
  const embeddedRedis = redisUp ? undefined : await runningEmbedded(dataDir, 'redis', redisAnswers);
  return {
    databaseUrl: embeddedPostgres ? withDatabase(embeddedPostgres, databaseName(urls.databaseUrl)) : urls.databaseUrl,
    redisUrl: embeddedRedis ?? urls.redisUrl,
  };
}
