/** The first-run test's hands: the README's quick-start commands, and the processes they start. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isPortFree } from '@proxy-pool/embedded-services';

export const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/** The commands of the README's quick start: the first `sh` block after its heading, comments dropped. */
export function quickStartCommands(): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

/** The README's optional command for the catalog (from its second `sh` block). */
export function optionalCommand(startsWith: string): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Tests'));
  const line = section.split('\n').find((candidate) => candidate.startsWith(startsWith));
  if (!line) throw new Error(`README quick start has no line starting with ${startsWith}`);
  return line.replace(/\s+#.*$/, '').trim();
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startProcess(command: string, cwd: string, env: NodeJS.ProcessEnv): Started {
  const [program, ...args] = command.split(' ');
  const child = spawn(program!, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/**
 * The launcher itself: the `node` process under `npm start`'s shell. npm exits at once on a signal (after
 * forwarding it), so a clean stop is observed on the process that does the work, as a service manager
 * running the launcher directly would see it.
 */
export async function launcherPid(started: Started): Promise<number> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=,args=']);
  const rows = stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3]! }));
  const family = new Set([started.child.pid!]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (!family.has(row.ppid) || family.has(row.pid)) continue;
      family.add(row.pid);
      grew = true;
    }
  }
  const launcher = rows.find(
    (row) => family.has(row.pid) && row.args.startsWith('node ') && row.args.includes('apps/standalone/src/main.ts'),
  );
  if (!launcher) throw new Error('launcher process not found under npm start');
  return launcher.pid;
}

/** SIGTERM to the launcher; resolves with npm's exit code (npm exits with its script's code). */
export async function terminate(started: Started): Promise<number | null> {
  process.kill(await launcherPid(started), 'SIGTERM');
  return started.exited;
}

export async function waitForHealth(port: number, started: Started, timeoutMs: number): Promise<number> {
  const begin = Date.now();
  while (Date.now() - begin < timeoutMs) {
    if (started.child.exitCode !== null)
      throw new Error(`npm start exited with ${started.child.exitCode}:\n${started.output().slice(-3000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return Date.now() - begin;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /health 200 within ${timeoutMs} ms:\n${started.output().slice(-3000)}`);
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const begin = Date.now();
  while (Date.now() - begin < timeoutMs) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A free port below the OS's ephemeral range (32768+ on Linux): the launcher binds its ports seconds after
 * they are chosen, and a port from the ephemeral range can be taken meanwhile by any outgoing connection on a
 * busy machine (seen as EADDRINUSE on PORT).
 */
export async function listenPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await isPortFree(port, '0.0.0.0')) && (await isPortFree(port, '127.0.0.1'))) return port;
  }
}
