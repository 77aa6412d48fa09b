// Jest global setup: starts src/test-database.ts and waits for its `READY <url>` line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default async function globalSetup() {
  const script = fileURLToPath(new URL('../src/test-database.ts', import.meta.url));
  // The child cleans up when its stdin closes: at teardown, or when this process dies.
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  globalThis.__testDatabase = child;
  const url = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /READY (\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`test database setup exited with ${code}: ${output}`)));
  });
  process.env.DATABASE_URL = url;
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
}
