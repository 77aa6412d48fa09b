import {
  acquireLease,
  applyCreditChange,
  releaseLease,
  type Database,
  type LeaseGrant,
  type SteeringParams,
} from '@proxy-pool/db';
import type { RedisConnection } from '@proxy-pool/queues';
import { GatewayError } from '../gateway-error.js';
import { lookOrMakeOnce } from '../redis-once.js';
import type { Upstream } from '../upstream/upstream.js';

/** A session's lease as every replica reads it from Redis. */
export interface SessionLease {
  leaseId: string;
  expiresAt: string;
  proxy: Upstream;
}

const LOCKING = { lockMs: 10_000, stepMs: 20, busyMessage: 'The session is being set up elsewhere; try again.' };

/**
 * Sticky sessions: the first connection of (user, session) acquires a real lease (the acquire of POST
 * /proxies/acquire: one credit, an `acquire` transaction, listed in /account/leases) for `sesstime` minutes;
 * the lease is kept in Redis under a key that expires with it, so every replica sends the session's
 * connections through the same proxy. One replica at a time (a Redis lock) acquires for a session, so two
 * first connections arriving together pay once.
 */
export class StickySessions {
  constructor(
    private readonly db: Database,
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
  ) {}

  private key(userId: string, session: string): string {
    return `${this.keyPrefix}:gw:session:${userId}:${session}`;
  }

  async current(
    client: { userId: string; apiKeyId: string },
    params: SteeringParams & { session: string },
  ): Promise<SessionLease> {
    const key = this.key(client.userId, params.session);
    const stored = async () => {
      const value = await this.redis.get(key);
      return value === null ? undefined : (JSON.parse(value) as SessionLease);
    };
    return lookOrMakeOnce(this.redis, `${key}:lock`, LOCKING, stored, () => this.lease(client, params, key));
  }

  /**
   * The session's proxy failed: its lease ends and a new one on another proxy takes its place until the same
   * expiry, free of charge (the acquire's debit is refunded in the ledger).
   */
  async move(
    client: { userId: string; apiKeyId: string },
    params: SteeringParams & { session: string },
    failed: SessionLease,
  ): Promise<SessionLease> {
    const key = this.key(client.userId, params.session);
    const stored = await this.redis.get(key);
    if (stored !== null && (JSON.parse(stored) as SessionLease).leaseId !== failed.leaseId)
      return JSON.parse(stored) as SessionLease;
    // The failing proxy is still under this user's lease while the new one is acquired, so it cannot be picked again.
    const remainingMs = new Date(failed.expiresAt).getTime() - Date.now();
    const next = await this.lease(client, params, key, Math.max(Math.ceil(remainingMs / 1000), 1));
    await releaseLease(this.db, client.userId, failed.leaseId);
    await applyCreditChange(this.db, {
      userId: client.userId,
      amount: 1,
      txType: 'refund',
      description: `Gateway session ${params.session} moved off a failing proxy`,
    });
    return next;
  }

  private async lease(
    client: { userId: string; apiKeyId: string },
    params: SteeringParams,
    key: string,
    durationSeconds = params.sessionMinutes * 60,
  ): Promise<SessionLease> {
    const outcome = await acquireLease(this.db, {
      userId: client.userId,
      apiKeyId: client.apiKeyId,
      filters: {
        protocol: params.protocol,
        country: params.country,
        anonymity: params.anonymity,
        minScore: params.minScore,
      },
      durationSeconds,
    });
    switch (outcome.kind) {
      case 'acquired':
      case 'replayed':
        return this.store(key, outcome.grant);
      case 'insufficient_credits':
        throw new GatewayError(
          'INSUFFICIENT_CREDITS',
          `A session costs 1 credit. Current balance: ${outcome.balance}.`,
        );
      case 'all_leased':
        throw new GatewayError('ALL_PROXIES_LEASED', 'Every matching proxy is leased.');
      case 'no_match':
        throw new GatewayError('NO_MATCHING_PROXY', 'No active proxy matches the parameters.');
    }
  }

  private async store(key: string, grant: LeaseGrant): Promise<SessionLease> {
    const { proxy } = grant;
    const lease: SessionLease = {
      leaseId: grant.leaseId,
      expiresAt: grant.expiresAt.toISOString(),
      proxy: {
        id: proxy.id,
        ip: proxy.ip,
        port: proxy.port,
        protocol: proxy.protocol,
        username: proxy.username,
        password: proxy.password,
      },
    };
    const ttl = Math.max(grant.expiresAt.getTime() - Date.now(), 1);
    await this.redis.set(key, JSON.stringify(lease), 'PX', ttl);
    return lease;
  }
}
