/** One Redis node of a cluster's seed list or a Sentinel. */
export interface RedisNode {
  host: string;
  port: number;
}

/** The credentials written in a URL's user part: they log in to the Redis nodes (not to the Sentinels). */
export interface RedisCredentials {
  username?: string;
  password?: string;
}

/**
 * Where REDIS_URL points. `single` is any URL ioredis reads itself (`redis://`, `rediss://`, `unix`);
 * the other two list several hosts, which a WHATWG URL cannot hold, so they are parsed here.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; credentials: RedisCredentials; tls: boolean }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      masterName: string;
      db: number;
      credentials: RedisCredentials;
      sentinelPassword?: string;
      tls: boolean;
    };

export class RedisUrlError extends Error {
  constructor(message: string) {
    super(`REDIS_URL: ${message}`);
    this.name = 'RedisUrlError';
  }
}

const DEFAULT_PORT = { cluster: 6379, sentinel: 26379 } as const;
const MULTI_HOST_URL = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^@/]*)@)?([^@/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/;

/** True for a `redis+cluster://` or `rediss+cluster://` URL: its keys must share a hash tag (see the README). */
export function isRedisClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:\/\//.test(url);
}

/**
 * Reads REDIS_URL: `redis[s]+cluster://[user:pass@]host:port,host:port[,…]` (seed nodes of a Redis Cluster) or
 * `redis[s]+sentinel://[user:pass@]host:port,host:port/<master name>[/<db>][?sentinelPassword=…]`; anything
 * else is handed to ioredis unchanged. Messages never repeat the password.
 */
export function parseRedisUrl(url: string): RedisTarget {
  if (!/^rediss?\+(cluster|sentinel):/.test(url)) return { kind: 'single', url };
  const match = MULTI_HOST_URL.exec(url);
  if (!match)
    throw new RedisUrlError(
      'expected redis+cluster://[user:pass@]host:port,host:port or redis+sentinel://[user:pass@]host:port,host:port/<master name>.',
    );
  const kind = match[2] === 'cluster' ? 'cluster' : 'sentinel';
  const [userInfo, hostList = '', path = '', query = ''] = [match[3], match[4], match[5], match[6]];
  const nodes = hostList.split(',').map((entry) => parseNode(entry, DEFAULT_PORT[kind]));
  const credentials = parseCredentials(userInfo);
  const tls = match[1] === 'rediss';
  const params = new URLSearchParams(query);
  if (kind === 'cluster') {
    if (path !== '' && path !== '/')
      throw new RedisUrlError('a cluster URL has no path (a cluster has only database 0).');
    refuseUnknownParams(params, []);
    return { kind, nodes, credentials, tls };
  }
  const [masterName = '', db = '0', ...rest] = path.replace(/^\//, '').split('/');
  if (masterName === '')
    throw new RedisUrlError('a sentinel URL names its master after the hosts: redis+sentinel://host:26379/mymaster.');
  if (rest.length > 0 || !/^\d+$/.test(db))
    throw new RedisUrlError(`expected /<master name>[/<db number>] after the sentinel hosts, got "${path}".`);
  refuseUnknownParams(params, ['sentinelPassword']);
  const sentinelPassword = params.get('sentinelPassword') ?? undefined;
  return {
    kind,
    sentinels: nodes,
    masterName: decodeURIComponent(masterName),
    db: Number(db),
    credentials,
    ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
    tls,
  };
}

function parseNode(entry: string, defaultPort: number): RedisNode {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(entry.trim());
  if (!match) throw new RedisUrlError(`"${entry}" is not host:port.`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65_535) throw new RedisUrlError(`port ${port} of "${entry}" is out of range.`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseCredentials(userInfo: string | undefined): RedisCredentials {
  if (userInfo === undefined || userInfo === '') return {};
  const colon = userInfo.indexOf(':');
  const username = decodeURIComponent(colon === -1 ? userInfo : userInfo.slice(0, colon));
  const password = colon === -1 ? '' : decodeURIComponent(userInfo.slice(colon + 1));
  return { ...(username === '' ? {} : { username }), ...(password === '' ? {} : { password }) };
}

function refuseUnknownParams(params: URLSearchParams, known: string[]): void {
  for (const name of params.keys()) {
    if (!known.includes(name))
      throw new RedisUrlError(`unknown parameter "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}.`);
  }
}
