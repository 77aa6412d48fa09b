import got from 'got';
import type { ParserSample } from '@proxy-pool/plugin-contracts';
import { ssrfGotOptions } from '@proxy-pool/ssrf';

export interface SampleLimits {
  allowPrivate: boolean;
  timeoutMs: number;
  /** Bytes kept: a longer body is cut here (detection reads only a list's head), not refused. */
  maxBytes: number;
}

export type SampleResult = { ok: true; sample: ParserSample } | { ok: false; reason: string };

const MAX_REDIRECTS = 5;

/** Fetches the head of a source list for parser auto-detection, under the SSRF policy on every hop. */
export function createSampleFetcher(limits: SampleLimits): (url: string) => Promise<SampleResult> {
  const ssrf = ssrfGotOptions({ allowPrivate: limits.allowPrivate });
  const client = got.extend({
    timeout: { request: limits.timeoutMs },
    maxRedirects: MAX_REDIRECTS,
    retry: { limit: 0 },
    agent: ssrf.agent,
    dnsLookup: ssrf.dnsLookup,
    hooks: { beforeRequest: [...ssrf.hooks.beforeRequest], beforeRedirect: [...ssrf.hooks.beforeRedirect] },
  });
  return async (url) => {
    const stream = client.stream(url);
    let contentType: string | undefined;
    stream.once('response', (response: { headers: Record<string, string | undefined> }) => {
      contentType = response.headers['content-type'];
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes >= limits.maxBytes) break;
      }
    } catch (error) {
      return { ok: false, reason: sampleFailure(error, limits.timeoutMs) };
    } finally {
      stream.destroy();
    }
    const body = Buffer.concat(chunks).subarray(0, limits.maxBytes).toString('utf8');
    return { ok: true, sample: { body, url, ...(contentType === undefined ? {} : { contentType }) } };
  };
}

function sampleFailure(error: unknown, timeoutMs: number): string {
  const { name, message, response } = error as { name?: string; message?: string; response?: { statusCode?: number } };
  if (name === 'TimeoutError') return `timeout after ${timeoutMs}ms`;
  if (name === 'HTTPError' && response?.statusCode !== undefined) return `HTTP ${response.statusCode}`;
  return message ?? String(error);
}
