import { EVERY_KEY, findKeyHolder, watchKeyChanges, type Database, type KeyHolder } from '@proxy-pool/db';

/**
 * Who holds each API key, remembered by this process so an authenticated request needs no database round
 * trip. It stays exact because the database announces every change that matters (revocation, deletion,
 * a role change: triggers NOTIFY api_key_changes) and each change evicts at once. While that announcement
 * channel is down nothing is remembered: every request reads the database, as without the cache.
 * Only live keys are remembered (an unknown key always reads the database), each for at most `ttlMs`.
 */
export class KeyHolderCache {
  private readonly entries = new Map<string, { holder: KeyHolder; expiresAt: number }>();
  /** Bumped by every eviction: a lookup that overlapped one does not store its (possibly stale) answer. */
  private generation = 0;
  private listening = false;
  private readonly watcher: { close(): Promise<void> } | undefined;

  constructor(
    private readonly db: Database,
    databaseUrl: string,
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
  ) {
    if (ttlMs > 0) {
      this.watcher = watchKeyChanges(databaseUrl, {
        onChange: (keyHash) => this.forget(keyHash),
        onListening: () => this.setListening(true),
        onLost: () => this.setListening(false),
      });
    }
  }

  async holderOf(keyHash: string): Promise<KeyHolder | null> {
    if (!this.listening) return findKeyHolder(this.db, keyHash);
    const now = Date.now();
    const hit = this.entries.get(keyHash);
    if (hit && hit.expiresAt > now) return hit.holder;
    const generation = this.generation;
    const holder = await findKeyHolder(this.db, keyHash);
    if (holder && this.listening && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(keyHash, { holder, expiresAt: now + this.ttlMs });
    }
    return holder;
  }

  /** Evicts one key (by hash), or every key with `*`. */
  forget(keyHash: string): void {
    this.generation += 1;
    if (keyHash === EVERY_KEY) this.entries.clear();
    else this.entries.delete(keyHash);
  }

  /** True once changes are being announced (the cache is in use). */
  get active(): boolean {
    return this.listening;
  }

  async close(): Promise<void> {
    this.setListening(false);
    await this.watcher?.close();
  }

  private setListening(listening: boolean): void {
    this.forget(EVERY_KEY);
    this.listening = listening;
  }
}
