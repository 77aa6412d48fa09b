import { selectUrlTestProxies, type Database } from '@proxy-pool/db';
import { UnrecoverableError, type Processor, type UrlTestResult } from '@proxy-pool/queues';
import { checkUrl, ssrfGotOptions } from '@proxy-pool/ssrf';
import type { AddressRefusal } from '../proxy-address-policy.js';
import { proxyFailureForStatus } from './errors.js';
import { getThroughProxy } from './through-proxy.js';

export interface UrlTestDeps {
  db: Database;
  allowPrivate: boolean;
  /** Proxies at addresses this refuses are reported unreachable without a connection. */
  refuseAddress: AddressRefusal;
}

/**
 * The `url-test` job: requests the URL through the `count` best matching active proxies (score desc), all at
 * once, each within the timeout. A proxy reached the target when an HTTP answer came back that is not a
 * proxy's own failure (407, 502, 504). No matching proxy: no results and a success rate of 0.
 */
export function createUrlTestProcessor(deps: UrlTestDeps): Processor<'urlTest'> {
  const ssrfGuards = ssrfGotOptions({ allowPrivate: deps.allowPrivate }).hooks.beforeRequest;
  return async (payload) => {
    const verdict = await checkUrl(payload.url, { allowPrivate: deps.allowPrivate });
    if (!verdict.ok) throw new UnrecoverableError(`URL not allowed: ${verdict.reason}`);
    const proxies = await selectUrlTestProxies(deps.db, {
      count: payload.count,
      protocol: payload.protocol,
      country: payload.country,
    });
    const timeoutMs = Math.round(payload.timeout_seconds * 1000);
    const results: UrlTestResult['results'] = await Promise.all(
      proxies.map(async (proxy) => {
        const refusal = deps.refuseAddress(proxy.ip);
        const answer =
          refusal !== undefined
            ? { statusCode: null, latencyMs: null, error: refusal }
            : await getThroughProxy(proxy, verdict.url, timeoutMs, ssrfGuards);
        const proxyFailure = answer.statusCode === null ? undefined : proxyFailureForStatus(answer.statusCode);
        const reachable = answer.statusCode !== null && proxyFailure === undefined;
        return {
          proxy_id: proxy.id,
          ip: proxy.ip,
          port: proxy.port,
          reachable,
          status_code: answer.statusCode,
          latency_ms: reachable ? answer.latencyMs : null,
          error: reachable ? null : (proxyFailure ?? answer.error ?? 'Request failed'),
        };
      }),
    );
    const reached = results.filter((result) => result.reachable).length;
    return {
      url: payload.url,
      results,
      success_rate: results.length === 0 ? 0 : Math.round((reached / results.length) * 10_000) / 10_000,
    };
  };
}
