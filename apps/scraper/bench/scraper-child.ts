/**
 * The scraper under measurement, in a process of its own started the way `npm start` in apps/scraper starts it
 * (`src/main.ts` through tsx): its peak RSS is the scraper's alone, not the bench's, the list server's or the
 * database helper's. Linux: memory is read from /proc/<pid>/status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ScraperChild {
  pid: number;
  /** Where its `/metrics` answers (HEALTH_PORT 0: a free port, read from its start-up line). */
  healthPort: number;
  /** Resident memory now (VmRSS) and the process's peak so far (VmHWM), MiB. */
  memory(): { rssMiB: number; peakMiB: number };
  /** SIGTERM (the scraper drains and exits) and wait for the exit. */
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/**
 * Starts the scraper with `env` (on top of this process's environment, NODE_OPTIONS included) and `nodeFlags`
 * before the script (e.g. `--cpu-prof`); resolves once it logs `scraper started`. Every JSON log line it
 * prints goes to `onLog`.
 */
export async function startScraperChild(
  env: Record<string, string>,
  nodeFlags: readonly string[],
  onLog: (line: Record<string, unknown>) => void,
): Promise<ScraperChild> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const healthPort = await new Promise<number>((resolve, reject) => {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) {
        const line = parseLogLine(text);
        if (line?.message === 'scraper started') resolve(Number(line.health_port));
        if (line) onLog(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`the scraper exited with ${code} before it started`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    healthPort,
    memory: () => memoryOf(child),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function parseLogLine(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function memoryOf(child: ChildProcess): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
