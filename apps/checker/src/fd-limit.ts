import { readFileSync } from 'node:fs';

/**
 * The soft open-file limit of this process (`ulimit -n`), read from /proc/self/limits where there is one
 * (Node has no getrlimit). Undefined when unknown or unlimited.
 */
export function openFileLimit(path = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\S+)/m.exec(text);
  const soft = Number(match?.[1]);
  return Number.isFinite(soft) && soft > 0 ? soft : undefined;
}

/**
 * Validations in flight: the setting, capped so sockets fit in the open-file limit. A validation holds up to
 * two descriptors at once, and the rest of the process (database pool, Redis, logs) needs its share: a
 * third of the limit.
 */
export function effectiveConcurrency(wanted: number, fileLimit: number | undefined): number {
  if (fileLimit === undefined) return wanted;
  return Math.max(1, Math.min(wanted, Math.floor(fileLimit / 3)));
}
