import type { LookupFunction } from 'node:net';
import got, { HTTPError, MaxRedirectsError, TimeoutError } from 'got';
import { ssrfGotOptions } from '@proxy-pool/ssrf';

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowPrivate: boolean;
  /** Replaces the SSRF-checking resolver (tests map names to loopback); the literal-IP hooks stay. */
  dnsLookup?: LookupFunction | undefined;
}

export interface FetchedBody {
  text: string;
  bytes: number;
  contentType?: string | undefined;
}

/** A fetch failure with a message fit for `sources.last_error`. */
export class SourceFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFetchError';
  }
}

const USER_AGENT = 'proxy-pool-scraper/0.1 (+https://github.com/proxy-pool)';

export type SourceFetcher = (url: string) => Promise<FetchedBody>;

/** A source list's body as it arrives; reading it enforces the limits and fails with a SourceFetchError. */
export interface SourceStream {
  chunks: AsyncIterable<Buffer>;
  /** Bytes read so far (decompressed). */
  bytes(): number;
  contentType(): string | undefined;
}

export type SourceStreamer = (url: string) => SourceStream;

/**
 * Opens source lists as streams: one overall time limit, a byte cap on the (decompressed) body that aborts
 * the stream as soon as it is passed, a redirect cap, and the SSRF policy on every hop.
 */
export function createSourceStreamer(limits: FetchLimits): SourceStreamer {
  const ssrf = ssrfGotOptions({ allowPrivate: limits.allowPrivate });
  const client = got.extend({
    timeout: { request: limits.timeoutMs },
    maxRedirects: limits.maxRedirects,
    retry: { limit: 0 },
    agent: ssrf.agent,
    dnsLookup: limits.dnsLookup ?? ssrf.dnsLookup,
    hooks: { beforeRequest: [...ssrf.hooks.beforeRequest], beforeRedirect: [...ssrf.hooks.beforeRedirect] },
    headers: { 'user-agent': USER_AGENT, accept: 'text/plain, application/json, text/csv, text/html;q=0.9, */*;q=0.8' },
  });
  return (url) => {
    let contentType: string | undefined;
    let bytes = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      const stream = client.stream(url);
      stream.once('response', (response: { headers: Record<string, string | string[] | undefined> }) => {
        const header = response.headers['content-type'];
        contentType = Array.isArray(header) ? header[0] : header;
        const declared = Number(response.headers['content-length']);
        if (
          Number.isFinite(declared) &&
          declared > limits.maxBytes &&
          response.headers['content-encoding'] === undefined
        ) {
          stream.destroy(tooLarge(limits.maxBytes));
        }
      });
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > limits.maxBytes) {
            stream.destroy();
            throw tooLarge(limits.maxBytes);
          }
          yield chunk;
        }
      } catch (error) {
        throw new SourceFetchError(describeFetchError(error, limits));
      } finally {
        // A reader that stops early (its own failure) must not leave the request running.
        if (!stream.destroyed) stream.destroy();
      }
    }
    return { chunks: chunks(), bytes: () => bytes, contentType: () => contentType };
  };
}

/** The whole body at once, with the streamer's limits. */
export function createSourceFetcher(limits: FetchLimits): SourceFetcher {
  const open = createSourceStreamer(limits);
  return async (url) => {
    const source = open(url);
    const chunks: Buffer[] = [];
    for await (const chunk of source.chunks) chunks.push(chunk);
    return {
      text: Buffer.concat(chunks, source.bytes()).toString('utf8'),
      bytes: source.bytes(),
      contentType: source.contentType(),
    };
  };
}

const tooLarge = (maxBytes: number) => new SourceFetchError(`body exceeds ${maxBytes} bytes`);

/** Clear text for the usual failures: `timeout after 30000ms`, `HTTP 500`, `SSRF: …`. */
export function describeFetchError(error: unknown, limits: Pick<FetchLimits, 'timeoutMs' | 'maxRedirects'>): string {
  if (error instanceof SourceFetchError) return error.message;
  if (error instanceof TimeoutError) return `timeout after ${limits.timeoutMs}ms`;
  if (error instanceof HTTPError) return `HTTP ${error.response.statusCode}`;
  if (error instanceof MaxRedirectsError) return `too many redirects (more than ${limits.maxRedirects})`;
  const { message = String(error), code } = error as { message?: string; code?: string };
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof SourceFetchError) return cause.message;
  if (message.startsWith('SSRF:') || code === 'ERR_SSRF')
    return message.startsWith('SSRF:') ? message : `SSRF: ${message}`;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
