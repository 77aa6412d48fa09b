import {
  LEASE_STARTS_CHANNEL,
  pickGatewayCandidates,
  readGatewayCandidates,
  watchNotifications,
  type Database,
  type NotificationWatch,
  type GatewayCandidate,
  type GatewayCandidateQuery,
  type SharedGatewayCandidate,
} from '@proxy-pool/db';

interface CachedList {
  rows: SharedGatewayCandidate[];
  expiresAt: number;
}

/** Cached rows beyond what one pick uses: room for the ones other users hold. */
const HEADROOM = 2;
/** Lease starts are remembered this long, to clean lists whose read overlapped them. */
const REMEMBER_STARTS_MS = 10_000;
/** The notification channel is asked this often whether it still answers; cached lists are used only while it did lately. */
const HEARTBEAT_MS = 500;
const TRUSTED_FOR_MS = 3 * HEARTBEAT_MS;

/**
 * The candidates of a rotating connection, read from PostgreSQL at most once per `ttlMs` per filter combination
 * and shared by every user of this gateway: each pick leaves out, in memory, the proxies another user holds.
 * Exact about leases: a lease that starts after a list was read reaches every gateway a few ms after its commit
 * (NOTIFY lease_starts), and its proxy leaves every cached list at once; while that notification channel is down
 * or has not answered its heartbeat lately, nothing cached is used and every pick asks the database. Score order and status changes may be up to `ttlMs` old
 * (a proxy that died meanwhile fails its dial and the connection rotates on). An empty answer is never cached.
 */
export class CandidatePool {
  private readonly lists = new Map<string, CachedList>();
  private readonly reading = new Map<string, Promise<SharedGatewayCandidate[]>>();
  private listening = false;
  /** When the channel last came up: lists read before then may have missed a lease start. */
  private listeningSince = Number.POSITIVE_INFINITY;
  /** Recent lease starts, proxy id → when told. */
  private readonly recentStarts = new Map<string, number>();
  private readonly watcher: NotificationWatch | undefined;

  constructor(
    private readonly db: Database,
    databaseUrl: string,
    private readonly ttlMs: number,
  ) {
    if (ttlMs <= 0) return;
    this.watcher = watchNotifications(
      databaseUrl,
      LEASE_STARTS_CHANNEL,
      {
        onNotice: (proxyId) => this.leaseStarted(proxyId),
        onListening: () => {
          this.lists.clear();
          this.listening = true;
          this.listeningSince = Date.now();
        },
        onLost: () => {
          this.listening = false;
          this.listeningSince = Number.POSITIVE_INFINITY;
          this.lists.clear();
        },
      },
      { heartbeatMs: HEARTBEAT_MS },
    );
  }

  /**
   * Whether cached lists may be used now: the channel is up and answered lately, so every lease start committed
   * until a moment ago has been applied to them.
   */
  caching(): boolean {
    return this.listening && (this.watcher?.confirmedAt() ?? 0) >= Date.now() - TRUSTED_FOR_MS;
  }

  /** Up to `query.limit` matching proxies `query.userId` may use, best-scored first. */
  async pick(query: GatewayCandidateQuery): Promise<GatewayCandidate[]> {
    if (!this.caching()) return pickGatewayCandidates(this.db, query);
    const { userId, ...shape } = query;
    const key = JSON.stringify([shape.filters, shape.protocols, shape.limit]);
    const rows = await this.cachedList(key, shape);
    const now = Date.now();
    const usable = rows.filter(
      (row) => row.leasedUntil === null || row.leasedUntil.getTime() <= now || row.leasedTo === userId,
    );
    // Everything cached is held by others (or nothing matched): the database decides, exactly, for this user.
    if (usable.length === 0) return pickGatewayCandidates(this.db, query);
    return usable.slice(0, query.limit);
  }

  /** Lease starts this gateway has been told of (tests wait on it). */
  leasesSeen = 0;

  async close(): Promise<void> {
    this.listening = false;
    this.lists.clear();
    await this.watcher?.close();
  }

  private cachedList(key: string, shape: Omit<GatewayCandidateQuery, 'userId'>): Promise<SharedGatewayCandidate[]> {
    const cached = this.lists.get(key);
    if (cached && cached.expiresAt > Date.now()) return Promise.resolve(cached.rows);
    const pending = this.reading.get(key);
    if (pending) return pending;
    const startedAt = Date.now();
    const reading = readGatewayCandidates(this.db, { ...shape, limit: shape.limit * HEADROOM })
      .then((read) => {
        // A lease that started while the list was being read may or may not be in it: its proxy goes.
        const rows = read.filter((row) => (this.recentStarts.get(row.id) ?? 0) < startedAt);
        if (rows.length > 0 && this.listening && startedAt >= this.listeningSince)
          this.lists.set(key, { rows, expiresAt: startedAt + this.ttlMs });
        return rows;
      })
      .finally(() => this.reading.delete(key));
    this.reading.set(key, reading);
    return reading;
  }

  private leaseStarted(proxyId: string): void {
    const now = Date.now();
    this.leasesSeen += 1;
    this.recentStarts.set(proxyId, now);
    for (const [id, at] of this.recentStarts) if (at < now - REMEMBER_STARTS_MS) this.recentStarts.delete(id);
    for (const list of this.lists.values()) list.rows = list.rows.filter((row) => row.id !== proxyId);
  }
}
