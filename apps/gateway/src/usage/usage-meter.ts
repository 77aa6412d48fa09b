import { addGatewayUsage, type Database, type GatewayUsageDelta } from '@proxy-pool/db';

/** Traffic per API key, added up in memory and written in one statement per flush (not a write per connection). */
export class UsageMeter {
  private pending = new Map<string, GatewayUsageDelta>();

  constructor(private readonly db: Database) {}

  add(apiKeyId: string, userId: string, change: { connections?: number; bytesIn?: number; bytesOut?: number }): void {
    let delta = this.pending.get(apiKeyId);
    if (delta === undefined) {
      delta = { apiKeyId, userId, connections: 0, bytesIn: 0, bytesOut: 0 };
      this.pending.set(apiKeyId, delta);
    }
    delta.connections += change.connections ?? 0;
    delta.bytesIn += change.bytesIn ?? 0;
    delta.bytesOut += change.bytesOut ?? 0;
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await addGatewayUsage(this.db, batch);
    } catch (error) {
      // Kept for the next flush: a database outage delays the figures, it does not lose them.
      for (const delta of batch) this.add(delta.apiKeyId, delta.userId, delta);
      throw error;
    }
  }
}
