import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { waitUntil } from './postgres-server.js';
import { choosePort } from './ports.js';

/** The `redis-server` on the PATH, or undefined (no npm package ships one). */
export function findRedisServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when a Redis server answers PING at the URL (with its password, if any). A server that answers but
 * refuses our credentials counts as answering: it is there, just misconfigured.
 */
export function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const parsed = new URL(firstNodeUrl(url));
  const password = decodeURIComponent(parsed.password);
  const username = decodeURIComponent(parsed.username);
  return new Promise((resolve) => {
    const socket = createConnection({
      host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: Number(parsed.port || 6379),
    });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      const auth = password ? `AUTH ${username ? `${username} ` : ''}${password}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('+PONG') || text.includes('-NOAUTH') || text.includes('-WRONGPASS') || text.includes('-ERR'))
        done(true);
    });
  });
}

/**
 * A cluster's or Sentinel set's URL lists several hosts, which `new URL` refuses: its first node stands for the
 * set here (a cluster node and a Sentinel both answer PING).
 */
function firstNodeUrl(url: string): string {
  const multiHost = /^(rediss?)\+(?:cluster|sentinel):\/\/(?:([^@/]*)@)?([^@,/?#]+)/.exec(url);
  return multiHost ? `${multiHost[1]}://${multiHost[2] ? `${multiHost[2]}@` : ''}${multiHost[3]}` : url;
}

export interface RedisServerOptions {
  /** Folder for the append-only file; created when missing. */
  dataDir: string;
  preferredPort?: number;
  password: string;
  logFile?: string;
}

export interface RunningRedis {
  port: number;
  url: string;
  pid: number | undefined;
  /** SIGTERM: Redis writes its append-only file out and exits. */
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server from the PATH, on 127.0.0.1 only, with a password and the append-only file on
 * (every write is kept across restarts, fsync every second), in its own process group like the PostgreSQL one.
 */
export async function startRedisServer(binary: string, options: RedisServerOptions): Promise<RunningRedis> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const port = await choosePort(options.preferredPort);
  const logFile = options.logFile ?? path.join(path.dirname(dataDir), 'redis.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--requirepass',
      options.password,
      // BullMQ requires that Redis never evicts its keys.
      '--maxmemory-policy',
      'noeviction',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  await waitUntil(() => redisAnswers(url, 1000), child, logFile);
  return {
    port,
    url,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
