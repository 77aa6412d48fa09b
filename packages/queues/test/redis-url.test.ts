import { describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { createRedis, isRedisClusterUrl, parseRedisUrl, RedisUrlError, type RedisConnection } from '../src/index.js';

function asCluster(connection: RedisConnection): Cluster {
  if (connection instanceof Cluster) return connection;
  throw new Error('expected a Cluster connection');
}

describe('parsing REDIS_URL', () => {
  it('hands a single-node URL to ioredis unchanged', () => {
    expect(parseRedisUrl('rediss://user:pw@redis.example:6380/2')).toEqual({
      kind: 'single',
      url: 'rediss://user:pw@redis.example:6380/2',
    });
  });

  it('reads a cluster seed list with credentials, IPv6 hosts and the default port', () => {
    expect(parseRedisUrl('rediss+cluster://app:p%40ss@10.0.0.1:7000,[::1]:7001,node-c')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'node-c', port: 6379 },
      ],
      credentials: { username: 'app', password: 'p@ss' },
      tls: true,
    });
    expect(isRedisClusterUrl('redis+cluster://a:1')).toBe(true);
    expect(isRedisClusterUrl('redis+sentinel://a:1/m')).toBe(false);
  });

  it('reads a Sentinel set, its master name, database and the Sentinels own password', () => {
    expect(parseRedisUrl('redis+sentinel://:secret@s1:26379,s2/mymaster/3?sentinelPassword=watch')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      db: 3,
      credentials: { password: 'secret' },
      sentinelPassword: 'watch',
      tls: false,
    });
  });

  it('refuses a malformed URL with a message that does not repeat the password', () => {
    const cases: [string, RegExp][] = [
      ['redis+sentinel://:hunter2@s1:26379', /names its master/],
      ['redis+sentinel://:hunter2@s1:26379/m/x', /master name.*db number/],
      ['redis+cluster://:hunter2@a:1,b:99999', /port 99999/],
      ['redis+cluster://:hunter2@a:1/2', /no path/],
      ['redis+cluster://:hunter2@a:1?tls=1', /unknown parameter "tls"/],
      ['redis+cluster://:hunter2@', /expected redis\+cluster/],
    ];
    for (const [url, message] of cases) {
      let error: unknown;
      try {
        parseRedisUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RedisUrlError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('connections built from REDIS_URL', () => {
  it('builds a Sentinel client with the role options, master name and both passwords', () => {
    const worker = createRedis(
      'redis+sentinel://app:secret@127.0.0.1:26379,127.0.0.2:26380/mymaster/1?sentinelPassword=watch',
      'worker',
      { lazyConnect: true },
    );
    expect(worker).toBeInstanceOf(Redis);
    expect(worker.options).toMatchObject({
      sentinels: [
        { host: '127.0.0.1', port: 26379 },
        { host: '127.0.0.2', port: 26380 },
      ],
      name: 'mymaster',
      db: 1,
      username: 'app',
      password: 'secret',
      sentinelPassword: 'watch',
      maxRetriesPerRequest: null,
    });
    worker.disconnect();
    const producer = createRedis('rediss+sentinel://127.0.0.1:26379/mymaster', 'producer', { lazyConnect: true });
    expect(producer.options).toMatchObject({
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      enableTLSForSentinelMode: true,
      tls: {},
      sentinelTLS: {},
    });
    producer.disconnect();
  });

  it('builds a Cluster whose node connections carry the role options and the password', () => {
    const worker = asCluster(
      createRedis('redis+cluster://:secret@127.0.0.1:7000,127.0.0.1:7001', 'worker', { lazyConnect: true }),
    );
    expect(worker.options.redisOptions).toMatchObject({ password: 'secret', maxRetriesPerRequest: null });
    worker.disconnect();
    const producer = createRedis('rediss+cluster://127.0.0.1:7000', 'producer', { lazyConnect: true });
    expect(producer.options).toMatchObject({
      enableOfflineQueue: false,
      redisOptions: { maxRetriesPerRequest: 1, tls: {} },
    });
    producer.disconnect();
  });
});
