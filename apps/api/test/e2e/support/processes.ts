import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createRedis } from '@proxy-pool/queues';
import { clearKeys } from '@proxy-pool/test-kit';

export const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const LOG_DIR = '/tmp/e2e-logs';

export async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function baseEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `e${randomUUID().slice(0, 8)}`,
    ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    // Several of these run side by side: no fixed TLS judge port (its own test gives it one).
    JUDGE_TLS_PORT: '0',
    ...overrides,
  };
}

/** Deletes every Redis key under the env's QUEUE_PREFIX (queues, schedules, caches): run after the children stop. */
export async function clearQueuePrefix(env: Record<string, string>): Promise<void> {
  const redis = createRedis(env.REDIS_URL!, 'worker');
  try {
    await clearKeys(redis, env.QUEUE_PREFIX!);
  } finally {
    redis.disconnect();
  }
}

export interface Child {
  process: ChildProcess;
  logFile: string;
  output: () => string;
}

/**
 * `node [nodeFlags] --import tsx apps/<app>/src/main.ts`, stdout captured to a file, resolved once `ready` is
 * logged. `nodeFlags`: the flags the app's start script gives node (e.g. CHECKER_NODE_FLAGS).
 */
export async function startChild(
  app: string,
  env: Record<string, string>,
  ready: string,
  tag = app,
  nodeFlags: readonly string[] = [],
): Promise<Child> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = `${LOG_DIR}/${tag}-${randomUUID().slice(0, 8)}.log`;
  const file = createWriteStream(logFile);
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    file.write(chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => file.write(chunk));
  child.once('exit', () => file.end());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start: ${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited with ${code}: ${output}`));
    });
  });
  return { process: child, logFile, output: () => output };
}

export async function stopChild(child: Child | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const proc = child?.process;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill(signal);
  });
}

export function readLog(file: string): string {
  return readFileSync(file, 'utf8');
}

export { eventually } from '@proxy-pool/test-kit';

/** Runs the admin CLI and returns the printed key. */
export async function createAdmin(env: Record<string, string>): Promise<{ key: string; email: string }> {
  const email = `admin-${randomUUID()}@example.test`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/admin-cli.ts', 'create', '--email', email], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const match = /API key \(shown once, store it now\): (\S+)/.exec(out);
  if (code !== 0 || !match) throw new Error(`admin cli failed (${code}): ${out}`);
  return { key: match[1]!, email };
}
