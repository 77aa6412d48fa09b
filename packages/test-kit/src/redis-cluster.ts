import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Redis Cluster nodes talk to each other on their port + 10000 (the cluster bus): both must be free. */
const BUS_PORT_OFFSET = 10_000;
const START_TIMEOUT_MS = 15_000;

/** A Redis Cluster of masters on loopback, from the machine's redis-server and redis-cli. */
export interface RedisClusterHandle {
  /** `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,…`, the REDIS_URL form for a cluster. */
  url: string;
  ports: number[];
  /** Stops every node and deletes their folder. */
  stop(): Promise<void>;
}

/**
 * Starts `nodes` cluster-enabled redis-servers (nothing written to disk but their nodes.conf, in a temporary
 * folder), joins them with `redis-cli --cluster create` (no replicas) and waits for `cluster_state:ok`.
 * Fails with a clear message when redis-server or redis-cli is not installed.
 */
export async function startRedisCluster(nodes = 3): Promise<RedisClusterHandle> {
  await requireBinary('redis-server');
  await requireBinary('redis-cli');
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < nodes; i += 1) ports.push(await freeClusterPort(ports));
    for (const port of ports) children.push(await startNode(port, dir));
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: START_TIMEOUT_MS });
    await Promise.all(ports.map(waitForClusterOk));
    return { url: `redis+cluster://${addresses.join(',')}`, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function requireBinary(name: string): Promise<void> {
  try {
    await run(name, ['--version']);
  } catch (error) {
    throw new Error(`${name} is not installed (or failed to run): the Redis Cluster tests need redis-server and redis-cli on the PATH (Debian: apt-get install redis-server). ${String(error)}`);
  }
}

function startNode(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited with ${code}: ${output.slice(-500)}`)));
  });
}

async function waitForClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
    if (stdout.includes('cluster_state:ok')) return;
    if (Date.now() > deadline) throw new Error(`the Redis Cluster node on port ${port} did not reach cluster_state:ok`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A port that is free on loopback, whose bus port is free too, and not already taken by this cluster. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await listenOnce(0);
    if (port === undefined || port + BUS_PORT_OFFSET > 65_535 || taken.includes(port)) continue;
    if ((await listenOnce(port + BUS_PORT_OFFSET)) !== undefined) return port;
  }
  throw new Error('no free port pair (port and port + 10000) found on 127.0.0.1');
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
