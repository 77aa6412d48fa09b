import {
  recordGatewayOutcomes,
  recordSiteOutcomes,
  type Database,
  type GatewayOutcomeDelta,
  type SiteOutcome,
} from '@proxy-pool/db';
import { siteOf } from '@proxy-pool/site-host';
import type { UpstreamFailureKind } from '../upstream/upstream-failure.js';

/** Answers of a target to a plain HTTP request that count as the site refusing the proxy (a site failure). */
export const SITE_REFUSAL_STATUSES: ReadonlySet<number> = new Set([403, 429]);

/** Upstream outcomes per proxy and per (proxy, site), written in one statement each per flush. */
export class OutcomeFeedback {
  private pending = new Map<string, GatewayOutcomeDelta>();
  private sites = new Map<string, SiteOutcome & { count: number }>();

  constructor(private readonly db: Database) {}

  private entry(proxyId: string): GatewayOutcomeDelta {
    let delta = this.pending.get(proxyId);
    if (delta === undefined) {
      delta = { proxyId, successes: 0, failures: 0, recheckNow: false };
      this.pending.set(proxyId, delta);
    }
    return delta;
  }

  succeeded(proxyId: string): void {
    this.entry(proxyId).successes += 1;
  }

  /** A connect failure or timeout says the proxy may be gone: the checker looks at it again at once. */
  failed(proxyId: string, kind: UpstreamFailureKind): void {
    const delta = this.entry(proxyId);
    delta.failures += 1;
    if (kind === 'connect' || kind === 'timeout') delta.recheckNow = true;
  }

  /** How the proxy did on the site of `host` (its registrable domain); hosts naming no site are ignored. */
  siteOutcome(proxyId: string, host: string, success: boolean, count = 1): void {
    const targetHost = siteOf(host);
    if (targetHost === null) return;
    const key = `${proxyId} ${targetHost} ${success}`;
    const entry = this.sites.get(key);
    if (entry === undefined) this.sites.set(key, { proxyId, targetHost, success, at: new Date(), count });
    else {
      entry.count += count;
      entry.at = new Date();
    }
  }

  async flush(): Promise<void> {
    await Promise.all([this.flushProxies(), this.flushSites()]);
  }

  private async flushProxies(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await recordGatewayOutcomes(this.db, batch);
    } catch (error) {
      for (const delta of batch) {
        const kept = this.entry(delta.proxyId);
        kept.successes += delta.successes;
        kept.failures += delta.failures;
        kept.recheckNow ||= delta.recheckNow;
      }
      throw error;
    }
  }

  private async flushSites(): Promise<void> {
    if (this.sites.size === 0) return;
    const batch = [...this.sites.values()];
    this.sites = new Map();
    try {
      await recordSiteOutcomes(this.db.pool, batch);
    } catch (error) {
      for (const outcome of batch)
        this.siteOutcome(outcome.proxyId, outcome.targetHost, outcome.success, outcome.count);
      throw error;
    }
  }
}
