import { readFileSync } from 'node:fs';

const LIMITS_FILE = '/proc/self/limits';

/** Descriptors the rest of the process may hold besides validations: database pools, Redis, health port, logs, DNS. */
const RESERVED_DESCRIPTORS = 512;

/**
 * What one validation holds at once. Its stages run one after another, each on its own connection, and a
 * stage's socket is closed (its descriptor released at once) before the next stage connects: one. `npm run
 * bench:checker` counts the process's open descriptors with 10,000 validations in flight to confirm it.
 */
const DESCRIPTORS_PER_VALIDATION = 1;

/**
 * The soft open-file limit of this process, read from /proc/self/limits where there is one (Node has no
 * getrlimit). Node raises its soft limit to the hard one as it starts, so this is the hard limit the process
 * was given (`ulimit -Hn`, systemd `LimitNOFILE=`, Docker `--ulimit nofile=`); nothing more can be had from
 * inside without privilege. Undefined when unknown or unlimited.
 */
export function openFileLimit(path = LIMITS_FILE): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const soft = Number(/^Max open files\s+(\S+)/m.exec(text)?.[1]);
  return Number.isFinite(soft) && soft > 0 ? soft : undefined;
}

/**
 * Validations in flight: the setting, capped so their sockets and the rest of the process fit in the
 * open-file limit.
 */
export function effectiveConcurrency(wanted: number, fileLimit: number | undefined): number {
  if (fileLimit === undefined) return wanted;
  return Math.max(1, Math.min(wanted, Math.floor((fileLimit - RESERVED_DESCRIPTORS) / DESCRIPTORS_PER_VALIDATION)));
}
