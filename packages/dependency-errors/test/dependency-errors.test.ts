import { createConnection } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { causeChain, DependencyUnavailableError, isConnectionError } from '../src/index.js';

describe('DependencyUnavailableError', () => {
  it('names the dependency and keeps the driver error as its cause', () => {
    const cause = new Error('driver');
    const error = new DependencyUnavailableError('postgres', 'PostgreSQL is shutting down', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.dependency).toBe('postgres');
    expect(error.cause).toBe(cause);
    expect([...causeChain(error)]).toEqual([error, cause]);
  });

  it('recognises a refused connection by its system error code, not a look-alike message', async () => {
    const refused = await new Promise<Error>((resolve) =>
      createConnection({ host: '127.0.0.1', port: 1 }).once('error', resolve),
    );
    expect(isConnectionError(refused)).toBe(true);
    expect(isConnectionError(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'open' }))).toBe(false);
  });
});
