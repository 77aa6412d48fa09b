import { createHash } from 'node:crypto';
import { findKeyHolder, type Database, type KeyHolder } from '@proxy-pool/db';

/**
 * Who holds an API key, by its SHA-256 (as the API looks keys up). Live keys are remembered for `ttlMs` so a
 * busy client does not cost a query per connection: a revoked key stops working within that time.
 */
export class KeyHolders {
  private readonly entries = new Map<string, { holder: KeyHolder; expiresAt: number }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 2_000,
    private readonly maxEntries = 100_000,
  ) {}

  async holderOf(rawKey: string): Promise<KeyHolder | null> {
    const hash = createHash('sha256').update(rawKey).digest('hex');
    const now = Date.now();
    const hit = this.entries.get(hash);
    if (hit && hit.expiresAt > now) return hit.holder;
    const holder = await findKeyHolder(this.db, hash);
    if (holder) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(hash, { holder, expiresAt: now + this.ttlMs });
    } else {
      this.entries.delete(hash);
    }
    return holder;
  }
}
