import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, run, START_TIMEOUT_MS, startRedisProcess, stopProcess } from './redis-processes.js';

/** Redis Cluster nodes talk to each other on their port + 10000 (the cluster bus): both must be free. */
const BUS_PORT_OFFSET = 10_000;

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
    for (let i = 0; i < nodes; i += 1) ports.push(await freePort(ports, BUS_PORT_OFFSET));
    for (const port of ports) {
      const config = join(dir, `nodes-${port}.conf`);
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        config,
        '--dir',
        dir,
      ];
      children.push(
        await startRedisProcess(
          [...args, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
          'Ready to accept connections',
        ),
      );
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: START_TIMEOUT_MS,
    });
    await Promise.all(ports.map(waitForClusterOk));
    return { url: `redis+cluster://${addresses.join(',')}`, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
