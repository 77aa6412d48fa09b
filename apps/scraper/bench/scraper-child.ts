/**
 * The scraper under measurement, in a process of its own: its peak RSS is the scraper's alone, not the bench's,
 * the list server's or the database helper's. Started as `npm start` in apps/scraper starts it (`src/main.ts`
 * through tsx), or compiled as the image runs it (`node dist/main.js`, built by the app's tsup config first).
 * Linux: memory is read from /proc/<pid>/status.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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

const APP = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const COMPILED_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** How the scraper is started: from its sources through tsx, or compiled to JavaScript. */
export type ScraperForm = 'tsx' | 'dist';

/**
 * Starts the scraper with `env` (on top of this process's environment, NODE_OPTIONS included) and `nodeFlags`
 * before the script (e.g. `--cpu-prof`); resolves once it logs `scraper started`. Every JSON log line it
 * prints goes to `onLog`.
 */
export async function startScraperChild(
  form: ScraperForm,
  env: Record<string, string>,
  nodeFlags: readonly string[],
  onLog: (line: Record<string, unknown>) => void,
): Promise<ScraperChild> {
  if (form === 'dist') execFileSync('npx', ['tsup'], { cwd: APP, stdio: 'ignore' });
  const script = form === 'dist' ? [COMPILED_MAIN] : ['--import', 'tsx', SOURCE_MAIN];
  const child = spawn(process.execPath, [...nodeFlags, ...script], {
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
