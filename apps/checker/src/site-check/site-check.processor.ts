import { recordSiteCheckResults, siteCheckTargets, type Database, type SiteCheckOutcome } from '@proxy-pool/db';
import { UnrecoverableError, type Processor } from '@proxy-pool/queues';
import { siteOf } from '@proxy-pool/site-host';
import { checkUrl, ssrfGotOptions } from '@proxy-pool/ssrf';
import type { AddressRefusal } from '../proxy-address-policy.js';
import type { Semaphore } from '../semaphore.js';
import { getThroughProxy } from '../url-test/through-proxy.js';
import { createRegexRunner, judgeSiteAnswer } from './site-answer.js';

export interface SiteCheckDeps {
  db: Database;
  allowPrivate: boolean;
  /** Proxies at addresses this refuses fail the check without a connection. */
  refuseAddress: AddressRefusal;
  /** Requests in flight over every site-check job of the process. */
  semaphore: Semaphore;
  /** One request through one proxy, headers and body. */
  timeoutMs: number;
  /** Body bytes read and searched at most. */
  bodyLimit: number;
  regexTimeoutMs: number;
}

/**
 * The `site-check` job: GETs the check's URL through each proxy of the sample, in the proxy's own protocol
 * (the URL test's request code), and stores each proxy's result as its latest on this check, plus a success
 * or failure on the URL's site (registrable domain) in the per-site figures.
 *
 * Not a checker plugin: a `Checker` (plugin-contracts) is a stage of the validation pipeline that every proxy
 * runs on every validation, and whose failure makes the proxy fail. A site check is data (any number of
 * admin-defined checks), runs on its own schedule on a rotating sample, and its failure says only that the
 * proxy does not work for that site. So it is not listed among the pipeline's checkers in `GET /stats/plugins`.
 */
export function createSiteCheckProcessor(deps: SiteCheckDeps): Processor<'siteCheck'> {
  const ssrfGuards = ssrfGotOptions({ allowPrivate: deps.allowPrivate }).hooks.beforeRequest;
  const runRegex = createRegexRunner(deps.regexTimeoutMs);
  return async (payload) => {
    const check = await deps.db.siteCheck.findUnique({ where: { id: payload.site_check_id } });
    if (check === null || !check.isActive) return { checked: 0, passed: 0 };
    const verdict = await checkUrl(check.url, { allowPrivate: deps.allowPrivate });
    if (!verdict.ok) throw new UnrecoverableError(`site check ${check.name}: URL not allowed: ${verdict.reason}`);
    const proxies = await siteCheckTargets(deps.db, payload.proxy_ids);
    const outcomes: SiteCheckOutcome[] = await Promise.all(
      proxies.map((proxy) =>
        deps.semaphore.run(async () => {
          const refusal = deps.refuseAddress(proxy.ip);
          const answer =
            refusal !== undefined
              ? { statusCode: null, latencyMs: null, error: refusal }
              : await getThroughProxy(proxy, verdict.url, deps.timeoutMs, ssrfGuards, deps.bodyLimit);
          const judged = judgeSiteAnswer(check, answer, runRegex, deps.regexTimeoutMs);
          return {
            proxyId: proxy.id,
            passed: judged.passed,
            statusCode: answer.statusCode,
            latencyMs: answer.statusCode === null ? null : answer.latencyMs,
            detail: judged.detail,
          };
        }),
      ),
    );
    await recordSiteCheckResults(deps.db, { id: check.id, site: siteOf(check.url) }, outcomes);
    return { checked: outcomes.length, passed: outcomes.filter((outcome) => outcome.passed).length };
  };
}
