import { describe, expect, it } from '@jest/globals';
import { ConfigError, baseConfigShape, envBoolean, envInt, loadConfig, z } from '../src/index.js';

const schema = z.object({ ...baseConfigShape, PORT: envInt(3000, 1, 65535), FEATURE: envBoolean(false) });

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig(schema, {});
    expect(config.PORT).toBe(3000);
    expect(config.FEATURE).toBe(false);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: 'abc', FEATURE: 'maybe', DATABASE_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const key of ['PORT', 'FEATURE', 'DATABASE_URL', 'LOG_LEVEL']) expect(message).toContain(key);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('parses booleans and numbers from strings', () => {
    const config = loadConfig(schema, { PORT: '8080', FEATURE: 'Yes', ALLOW_PRIVATE_TARGETS: '1' });
    expect(config).toMatchObject({ PORT: 8080, FEATURE: true, ALLOW_PRIVATE_TARGETS: true });
  });
});
