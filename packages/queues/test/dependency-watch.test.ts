import { describe, expect, it } from '@jest/globals';
import { dependencyErrorHandler, DependencyWatch, isUnreachableError } from '../src/index.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', syscall: 'connect' });

function capture() {
  const lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }> = [];
  return {
    lines,
    logger: {
      info: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'info', message, meta }),
      warn: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'warn', message, meta }),
    },
  };
}

describe('DependencyWatch', () => {
  it('logs the first error of an outage, summaries while it lasts and the recovery, counting the rest', async () => {
    const { lines, logger } = capture();
    const watch = new DependencyWatch({ dependency: 'redis', logger, summaryEveryMs: 100 });
    for (let n = 0; n < 40; n++) watch.failed(refused());
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'dependency down',
        meta: { dependency: 'redis', code: 'ECONNREFUSED', error: 'connect ECONNREFUSED 127.0.0.1:6379' },
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(lines[1]).toMatchObject({
      level: 'warn',
      message: 'dependency still down',
      meta: { dependency: 'redis', code: 'ECONNREFUSED', errors_suppressed: 39 },
    });
    watch.failed(refused());
    watch.recovered();
    expect(lines[2]).toMatchObject({
      level: 'info',
      message: 'dependency back up',
      meta: { dependency: 'redis', errors_suppressed: 40 },
    });
    watch.recovered();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(lines).toHaveLength(3);
    watch.close();
  });

  it('routes unreachable errors to the watch and logs other errors as they come', () => {
    const { lines, logger } = capture();
    const watch = new DependencyWatch({ dependency: 'redis', logger });
    const others: string[] = [];
    const handle = dependencyErrorHandler(watch, (error) => others.push(error.message));
    handle(new Error('ERR unknown command'));
    expect(others).toEqual(['ERR unknown command']);
    handle(refused());
    handle(new Error('Connection is closed.'));
    expect(watch.isDown).toBe(true);
    expect(lines.map((line) => line.message)).toEqual(['dependency down']);
    expect(isUnreachableError(new Error('ERR wrong number of arguments'))).toBe(false);
    watch.close();
  });
});
