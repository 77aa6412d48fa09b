import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger, redact } from '../src/index.js';

describe('logger', () => {
  it('writes JSON lines with the service and child metadata', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    const logger = createLogger({ service: 'api', level: 'info', stream, console: false });
    logger.child({ request_id: 'r-1' }).info('hello', { route: '/x' });
    await new Promise((resolve) => setImmediate(resolve));
    const entry = JSON.parse(lines.find((l) => l.includes('hello')) ?? '{}');
    expect(entry).toMatchObject({ message: 'hello', service: 'api', request_id: 'r-1', route: '/x', level: 'info' });
  });

  it('never logs raw keys, passwords or URL credentials', () => {
    const key = `pp_${'a1B2'.repeat(12)}`;
    const out = JSON.stringify(
      redact({
        msg: `auth with ${key}`,
        password: 'hunter2',
        nested: { webhook_secret: 's3cr3t', url: 'http://bob:pw@host/x' },
      }),
    );
    expect(out).not.toContain(key);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('bob:pw');
  });
});
