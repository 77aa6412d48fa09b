import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system) of the processes a bench phase involves, read from /proc (Linux): what the machine
 * spends per request or per MiB, which load on a shared machine changes much less than throughput.
 */
export interface CpuParties {
  gateway: number;
  /** The fake upstream proxies and the origin (one process). */
  upstreams: number;
  /** The bench's own clients. */
  clients: number;
  redis: number;
}

const TICKS_PER_SECOND = 100;

function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (which may hold spaces, hence the last parenthesis): utime and stime are the 12th
    // and 13th fields, in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Redis's server process, found by its command name (0 when there is none on this machine). */
export function findRedisPid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'redis-server') return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return 0;
}

/** Runs `phase` and returns the CPU milliseconds each party used during it. */
export async function cpuDuring(
  pids: { gateway: number; upstreams: number; redis: number },
  phase: () => Promise<void>,
): Promise<CpuParties> {
  const read = (): CpuParties => {
    const own = process.cpuUsage();
    return {
      gateway: processCpuMs(pids.gateway),
      upstreams: processCpuMs(pids.upstreams),
      clients: (own.user + own.system) / 1000,
      redis: pids.redis > 0 ? processCpuMs(pids.redis) : 0,
    };
  };
  const before = read();
  await phase();
  const after = read();
  return {
    gateway: after.gateway - before.gateway,
    upstreams: after.upstreams - before.upstreams,
    clients: after.clients - before.clients,
    redis: after.redis - before.redis,
  };
}
