import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

/** Helpers shared by the Redis Cluster and Sentinel fixtures: the machine's redis-server, on loopback ports. */
export const run = promisify(execFile);
export const START_TIMEOUT_MS = 15_000;

export async function requireBinary(name: string): Promise<void> {
  try {
    await run(name, ['--version']);
  } catch (error) {
    throw new Error(
      `${name} is not installed (or failed to run): the Redis Cluster and Sentinel tests need redis-server and redis-cli on the PATH (Debian: apt-get install redis-server). ${String(error)}`,
    );
  }
}

/** Starts `redis-server <args>` in the foreground and resolves once its log shows `readyText`. */
export function startRedisProcess(args: string[], readyText: string): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyText)) resolve(child);
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`redis-server ${args.join(' ')} exited with ${code}: ${output.slice(-500)}`)),
    );
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A port free on 127.0.0.1, not in `taken`, with `port + pairedOffset` free too when an offset is given. */
export async function freePort(taken: number[], pairedOffset?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await listenOnce(0);
    if (port === undefined || taken.includes(port)) continue;
    if (pairedOffset === undefined) return port;
    if (port + pairedOffset <= 65_535 && (await listenOnce(port + pairedOffset)) !== undefined) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}

/** Listens on `port` (0: any) on 127.0.0.1 and closes again; the port it got, or undefined when it was busy. */
function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}
