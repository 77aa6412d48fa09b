import { findProxyRow, proxySiteCheckResults, proxySiteFigures, recentProxyChecks } from '@proxy-pool/db';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { assertId } from '../http/path-ids.js';
import type { ProxyDetail } from '../openapi/responses/checks.responses.js';
import { renderProxy } from './proxies-query.service.js';

/** Check rows shown with a proxy: its newest validations (three rows each with the built-in checkers). */
export const RECENT_CHECKS_LIMIT = 20;
/** Sites shown with a proxy: the most recently seen ones. */
export const PROXY_SITES_LIMIT = 20;

/** One proxy in the list-item shape with its newest check rows, newest first. Unknown or malformed id: 404. */
export async function getProxyDetail(ctx: ApiContext, proxyId: string): Promise<ProxyDetail> {
  assertId(proxyId, 'Proxy');
  const [row, checks, siteChecks, sites] = await Promise.all([
    findProxyRow(ctx.db, proxyId),
    recentProxyChecks(ctx.db, proxyId, RECENT_CHECKS_LIMIT),
    proxySiteCheckResults(ctx.db, proxyId),
    proxySiteFigures(ctx.db.pool, proxyId, PROXY_SITES_LIMIT),
  ]);
  if (row === null) throw notFound('Proxy');
  return {
    proxy: renderProxy(row),
    recent_checks: checks.map((check) => ({
      checker_name: check.checker_name,
      stage: check.stage,
      passed: check.passed,
      latency_ms: check.latency_ms,
      detail: check.detail,
      created_at: check.created_at.toISOString(),
    })),
    site_checks: siteChecks.map((result) => ({ ...result, checked_at: result.checked_at.toISOString() })),
    sites: sites.map((site) => ({
      ...site,
      last_success_at: site.last_success_at?.toISOString() ?? null,
      last_failure_at: site.last_failure_at?.toISOString() ?? null,
    })),
  };
}
