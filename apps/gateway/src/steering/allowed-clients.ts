import { findAllowedClient, type AllowedClient, type Database } from '@proxy-pool/db';

/** Client addresses on an allowlist, remembered (found or not) for `ttlMs`: a change takes effect within that time. */
export class AllowedClients {
  private readonly entries = new Map<string, { client: AllowedClient | null; expiresAt: number }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 2_000,
    private readonly maxEntries = 10_000,
  ) {}

  async lookup(address: string): Promise<AllowedClient | null> {
    const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
    const now = Date.now();
    const hit = this.entries.get(bare);
    if (hit && hit.expiresAt > now) return hit.client;
    const client = await findAllowedClient(this.db, bare);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(bare, { client, expiresAt: now + this.ttlMs });
    return client;
  }
}
