import { isIP } from 'node:net';

/** The judge URL taken apart once, so each check only appends a nonce. */
export interface JudgeTarget {
  /** Host name or address, IPv6 without brackets. */
  host: string;
  port: number;
  /** `host:port` with an explicit port, as CONNECT and Host want it. */
  authority: string;
  tls: boolean;
  /** `http://judge:port/judge?nonce=`: for absolute-URI requests to http proxies. */
  absolutePrefix: string;
  /** `/judge?nonce=`: for requests inside a tunnel. */
  originPrefix: string;
}

export function parseJudgeUrl(judgeUrl: string): JudgeTarget {
  const url = new URL(judgeUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`judge URL must be http(s): ${judgeUrl}`);
  if (url.searchParams.has('nonce')) throw new Error('judge URL must not carry a nonce already');
  const tls = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port);
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const originPrefix = `${url.pathname}${url.search === '' ? '?' : `${url.search}&`}nonce=`;
  return { host, port, authority, tls, absolutePrefix: `${url.protocol}//${authority}${originPrefix}`, originPrefix };
}
