/**
 * A helper process of a benchmark (a fleet of fake proxies, a throwaway database), run apart so its CPU is not
 * billed to what is measured. The child prints `READY <payload>` once it is up and runs until its stdin closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { harnessEnv } from '../harness-env.js';

export interface ReadyChild {
  /** What followed `READY ` on the child's line. */
  payload: string;
  child: ChildProcess;
  /** Closes the child's stdin (it cleans up and exits) and waits for the exit. */
  stop(): Promise<void>;
}

export async function spawnReadyChild(
  script: string,
  env: Record<string, string | undefined> = {},
): Promise<ReadyChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...harnessEnv.inherited(), ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const payload = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /READY (.+)\n/.exec(output);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    payload,
    child,
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}
