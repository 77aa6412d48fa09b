import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, startRedisProcess, stopProcess } from './redis-processes.js';

/** A Redis master watched by one Sentinel, on loopback, from the machine's redis-server. */
export interface RedisSentinelHandle {
  /** `redis+sentinel://127.0.0.1:S/<masterName>`, the REDIS_URL form for Sentinel. */
  url: string;
  masterName: string;
  masterPort: number;
  sentinelPort: number;
  /** Stops both servers and deletes the Sentinel's folder (it rewrites its config file). */
  stop(): Promise<void>;
}

export async function startRedisSentinel(masterName = 'mymaster'): Promise<RedisSentinelHandle> {
  await requireBinary('redis-server');
  const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const masterPort = await freePort([]);
    const sentinelPort = await freePort([masterPort]);
    children.push(
      await startRedisProcess(
        ['--port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        'Ready to accept connections',
      ),
    );
    const config = join(dir, 'sentinel.conf');
    await writeFile(
      config,
      `port ${sentinelPort}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1\n`,
    );
    children.push(await startRedisProcess([config, '--sentinel'], `+monitor master ${masterName}`));
    return {
      url: `redis+sentinel://127.0.0.1:${sentinelPort}/${masterName}`,
      masterName,
      masterPort,
      sentinelPort,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
