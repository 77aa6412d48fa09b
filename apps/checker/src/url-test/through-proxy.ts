import http from 'node:http';
import type https from 'node:https';
import got from 'got';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import type { ValidationTarget } from '@proxy-pool/db';
import type { SsrfHook } from '@proxy-pool/ssrf';
import { describeUrlTestError } from './errors.js';

/** What one request through one proxy showed. */
export interface ProxiedAnswer {
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  /** The body's first `bodyLimit` bytes, when a limit was given and an answer came. */
  body?: Buffer;
}

/** A status code, and the body's first bytes when they were asked for. */
interface Answer {
  statusCode: number;
  body?: Buffer;
}

const USER_AGENT = 'proxy-pool-url-test/1';

/**
 * One GET of `url` through `proxy`, in the proxy's own protocol: an absolute-URI request for an `http` proxy
 * and an http URL (node:http: a CONNECT tunnel would not be what a client of that proxy does); a CONNECT
 * tunnel otherwise for http(s) proxies (hpagent); a SOCKS4a/5h tunnel for SOCKS proxies (the proxy resolves
 * the name). Redirects are not followed. The answer is the status line: the body is not read. Latency is the
 * time to the response headers. With `bodyLimit`, the body is read too, up to that many bytes (the rest is
 * never read), within the same timeout.
 */
export async function getThroughProxy(
  proxy: ValidationTarget,
  url: URL,
  timeoutMs: number,
  ssrfGuards: readonly SsrfHook[],
  bodyLimit?: number,
): Promise<ProxiedAnswer> {
  const started = performance.now();
  let latencyMs: number | null = null;
  const onHeaders = () => {
    latencyMs = Math.round(performance.now() - started);
  };
  try {
    const answer =
      proxy.protocol === 'http' && url.protocol === 'http:'
        ? await absoluteUriRequest(proxy, url, timeoutMs, bodyLimit, onHeaders)
        : await tunnelledRequest(proxy, url, timeoutMs, ssrfGuards, bodyLimit, onHeaders);
    return { ...answer, latencyMs, error: null };
  } catch (error) {
    return { statusCode: null, latencyMs: null, error: describeUrlTestError(error, timeoutMs) };
  }
}

function proxyUrl(proxy: ValidationTarget, scheme: string): string {
  const host = proxy.ip.includes(':') ? `[${proxy.ip}]` : proxy.ip;
  const auth = proxy.username
    ? `${encodeURIComponent(proxy.username)}:${encodeURIComponent(proxy.password ?? '')}@`
    : '';
  return `${scheme}://${auth}${host}:${proxy.port}`;
}

/** got's agent option for the URL's scheme (a SOCKS agent serves both schemes). */
function agentFor(proxy: ValidationTarget, url: URL): { http?: http.Agent; https?: https.Agent; destroy(): void } {
  const secure = url.protocol === 'https:';
  if (proxy.protocol === 'socks4' || proxy.protocol === 'socks5') {
    const socks = new SocksProxyAgent(proxyUrl(proxy, proxy.protocol === 'socks4' ? 'socks4a' : 'socks5h'));
    return secure ? { https: socks, destroy: () => socks.destroy() } : { http: socks, destroy: () => socks.destroy() };
  }
  const options = { proxy: proxyUrl(proxy, 'http'), keepAlive: false };
  if (secure) {
    const agent = new HttpsProxyAgent(options);
    return { https: agent, destroy: () => agent.destroy() };
  }
  const agent = new HttpProxyAgent(options);
  return { http: agent, destroy: () => agent.destroy() };
}

/**
 * Resolves with the status once the headers are in, or, with a body limit, once the body ended or reached the
 * limit; `body` is the stream the body's bytes arrive on.
 */
function readAnswer(
  body: NodeJS.ReadableStream,
  statusCode: number,
  bodyLimit: number | undefined,
  resolve: (answer: Answer) => void,
  reject: (error: Error) => void,
): void {
  if (bodyLimit === undefined) {
    resolve({ statusCode });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const done = () => resolve({ statusCode, body: Buffer.concat(chunks).subarray(0, bodyLimit) });
  body.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= bodyLimit) done();
  });
  body.once('end', done);
  body.once('error', reject);
}

async function tunnelledRequest(
  proxy: ValidationTarget,
  url: URL,
  timeoutMs: number,
  ssrfGuards: readonly SsrfHook[],
  bodyLimit: number | undefined,
  onHeaders: () => void,
): Promise<Answer> {
  const { destroy, ...agent } = agentFor(proxy, url);
  const stream = got.stream(url, {
    agent,
    hooks: { beforeRequest: [...ssrfGuards] },
    followRedirect: false,
    throwHttpErrors: false,
    retry: { limit: 0 },
    timeout: { request: timeoutMs },
    headers: { 'user-agent': USER_AGENT, accept: '*/*' },
    decompress: false,
  });
  try {
    return await new Promise<Answer>((resolve, reject) => {
      stream.once('response', (response: { statusCode: number }) => {
        onHeaders();
        readAnswer(stream, response.statusCode, bodyLimit, resolve, reject);
      });
      stream.once('error', reject);
    });
  } finally {
    stream.destroy();
    destroy();
  }
}

function absoluteUriRequest(
  proxy: ValidationTarget,
  url: URL,
  timeoutMs: number,
  bodyLimit: number | undefined,
  onHeaders: () => void,
): Promise<Answer> {
  const headers: Record<string, string> = {
    host: url.host,
    'user-agent': USER_AGENT,
    accept: '*/*',
    connection: 'close',
  };
  if (proxy.username)
    headers['proxy-authorization'] =
      `Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}`;
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request({
      host: proxy.ip,
      port: proxy.port,
      method: 'GET',
      path: url.href,
      headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`timeout after ${timeoutMs}ms`), { code: 'ETIMEDOUT' });
      reject(error);
      request.destroy(error);
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      request.destroy();
    };
    request.once('response', (response) => {
      onHeaders();
      response.once('error', () => undefined);
      readAnswer(
        response,
        response.statusCode ?? 0,
        bodyLimit,
        (answer) => {
          finish();
          resolve(answer);
        },
        (error) => {
          finish();
          reject(error);
        },
      );
    });
    request.once('error', (error) => {
      finish();
      reject(error);
    });
    request.end();
  });
}
