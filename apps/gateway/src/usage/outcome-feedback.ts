import { recordGatewayOutcomes, type Database, type GatewayOutcomeDelta } from '@proxy-pool/db';
import type { UpstreamFailureKind } from '../upstream/upstream-failure.js';

/** Upstream outcomes per proxy, written in one statement per flush. */
export class OutcomeFeedback {
  private pending = new Map<string, GatewayOutcomeDelta>();

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

  async flush(): Promise<void> {
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
}
