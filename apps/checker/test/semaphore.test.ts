import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadCheckerConfig } from '../src/config.js';
import { effectiveConcurrency, openFileLimit } from '../src/fd-limit.js';
import { Semaphore } from '../src/semaphore.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, the rest in arrival order', async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5000 }, (_, index) =>
        semaphore.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          order.push(index);
          await new Promise((resolve) => setImmediate(resolve));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(semaphore.maxInFlight).toBe(3);
    expect(order).toEqual(Array.from({ length: 5000 }, (_, index) => index));
    expect(semaphore.inFlight).toBe(0);
    expect(semaphore.waiting).toBe(0);
  });

  it('frees the slot of a task that throws', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(semaphore.run(async () => 'yes')).resolves.toBe('yes');
  });
});

describe('checker concurrency and the open-file limit', () => {
  it('reads the soft limit from /proc/self/limits', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'limits-'));
    const file = path.join(dir, 'limits');
    writeFileSync(
      file,
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 4096                 files\n',
    );
    expect(openFileLimit(file)).toBe(1024);
    writeFileSync(file, 'Max open files            unlimited            unlimited            files\n');
    expect(openFileLimit(file)).toBeUndefined();
    expect(openFileLimit(path.join(dir, 'missing'))).toBeUndefined();
  });

  it('sees the hard limit: a process started with a soft limit of 256 has it raised to the hard one by Node', () => {
    const script = "import('./apps/checker/src/fd-limit.ts').then((m) => console.log(m.openFileLimit()))";
    const hard = Number(/^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    const out = execFileSync('prlimit', [`--nofile=256:${hard}`, process.execPath, '--import', 'tsx', '-e', script], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(Number(out)).toBe(hard);
    expect(hard).toBeGreaterThan(256);
  });

  it('caps the setting at the limit less what the rest of the process needs (one descriptor per validation)', () => {
    expect(effectiveConcurrency(500, 1024)).toBe(500);
    expect(effectiveConcurrency(500, 600)).toBe(88);
    expect(effectiveConcurrency(10_000, 20_000)).toBe(10_000);
    expect(effectiveConcurrency(20_000, 20_000)).toBe(19_488);
    expect(effectiveConcurrency(500, 20_000)).toBe(500);
    expect(effectiveConcurrency(500, undefined)).toBe(500);
    expect(effectiveConcurrency(500, 2)).toBe(1);
  });

  it('has the documented defaults and refuses a connect timeout above the total one', () => {
    const config = loadCheckerConfig({});
    expect(config).toMatchObject({
      JUDGE_URL: 'http://127.0.0.1:3000/judge',
      CHECKER_CONCURRENCY: 500,
      CONNECT_TIMEOUT_MS: 3000,
      TOTAL_TIMEOUT_MS: 10_000,
      DEAD_AFTER_FAILURES: 3,
      HEALTH_PORT: 9102,
      DRAIN_MS: 25_000,
      CHECK_RETENTION_DAYS: 7,
      DEAD_RETENTION_DAYS: 7,
    });
    expect(() =>
      loadCheckerConfig({ CONNECT_TIMEOUT_MS: '5000', TOTAL_TIMEOUT_MS: '1000', JUDGE_URL: 'ftp://x' }),
    ).toThrow(/CONNECT_TIMEOUT_MS[\s\S]*JUDGE_URL|JUDGE_URL[\s\S]*CONNECT_TIMEOUT_MS/);
  });
});
