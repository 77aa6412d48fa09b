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
