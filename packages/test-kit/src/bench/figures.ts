import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The machine's cores and 1-minute load average: benchmarks on a shared machine print it beside their figures. */
export function machineLine(): string {
  return `${cpus().length} cores, load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')}`;
}

/** Peak resident set size of this process so far, MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** CPU time (user + system) another process has used so far, seconds, from /proc (Linux). */
/**
 * CPU seconds used so far by every process whose command name is `name` (e.g. `postgres`: the server and its
 * backends). A process that exits between two readings takes its seconds with it.
 */
export function processesCpuSeconds(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === name) total += processCpuSeconds(Number(entry));
    } catch {
      // The process exited meanwhile.
    }
  }
  return total;
}

export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, so it is skipped by its closing parenthesis): utime and
  // stime are the 12th and 13th, in clock ticks (100 a second on Linux).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
