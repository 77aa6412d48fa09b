import { describe, expect, it } from '@jest/globals';
import { ConfigError, baseConfigShape, loadConfig, z } from '../src/index.js';

const schema = z.object({ REDIS_URL: baseConfigShape.REDIS_URL, QUEUE_PREFIX: baseConfigShape.QUEUE_PREFIX });
const load = (env: Record<string, string>) => loadConfig(schema, env);

describe('REDIS_URL and QUEUE_PREFIX', () => {
  it('accepts a single Redis, TLS, a cluster seed list and a Sentinel set', () => {
    for (const url of [
      'redis://127.0.0.1:6379',
      'rediss://user:secret@redis.example:6380/2',
      'redis+cluster://127.0.0.1:7000,127.0.0.1:7001',
      'rediss+cluster://default:secret@node-a:6379,node-b:6379,node-c:6379',
      'redis+sentinel://:secret@s1:26379,s2:26379/mymaster?sentinelPassword=other',
    ]) {
      expect(load({ REDIS_URL: url }).REDIS_URL).toBe(url);
    }
  });

  it('refuses other schemes and an empty host list with a message naming the forms', () => {
    for (const url of [
      'http://127.0.0.1:6379',
      'redis+cluster://',
      'redis+cluster://a:1,,b:2',
      'redis+shard://a:1,b:2',
    ]) {
      expect(() => load({ REDIS_URL: url })).toThrow(/REDIS_URL: expected redis:\/\/host:port.*redis\+cluster/);
    }
  });

  it('wraps the queue prefix in a hash tag on a cluster, so every key shares one slot', () => {
    expect(load({ REDIS_URL: 'redis+cluster://127.0.0.1:7000' }).QUEUE_PREFIX).toBe('{pp}');
    expect(load({ REDIS_URL: 'redis+cluster://127.0.0.1:7000', QUEUE_PREFIX: 'prod:pool' }).QUEUE_PREFIX).toBe(
      '{prod:pool}',
    );
    expect(load({ REDIS_URL: 'redis+cluster://127.0.0.1:7000', QUEUE_PREFIX: 'pool-{prod}' }).QUEUE_PREFIX).toBe(
      'pool-{prod}',
    );
  });

  it('leaves the prefix alone elsewhere, and takes a hash tag written by hand', () => {
    expect(load({}).QUEUE_PREFIX).toBe('pp');
    expect(load({ REDIS_URL: 'redis+sentinel://s1:26379/mymaster' }).QUEUE_PREFIX).toBe('pp');
    expect(load({ QUEUE_PREFIX: '{pp}' }).QUEUE_PREFIX).toBe('{pp}');
  });

  it('refuses a prefix with an unbalanced, empty or second hash tag', () => {
    for (const prefix of ['{pp', 'pp}', '{}', '{a}{b}', 'a b']) {
      expect(() => load({ QUEUE_PREFIX: prefix })).toThrow(ConfigError);
    }
  });
});
