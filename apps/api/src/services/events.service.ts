import { creditEvents } from '@proxy-pool/notifiers';
import { buildEvent, publishEvent } from '@proxy-pool/queues';
import type { ApiContext } from '../context.js';

/**
 * Raises `credits.low` / `credits.depleted` when a balance change crosses their thresholds. Fire-and-forget:
 * publishing never fails or delays the request that changed the balance.
 */
export function raiseCreditEvents(ctx: ApiContext, userId: string, before: number, after: number): void {
  for (const event of creditEvents(userId, before, after, ctx.config.CREDITS_LOW_THRESHOLD)) {
    void publishEvent(ctx.queues.events, event, ctx.logger);
  }
}

/**
 * Raises `lease.expired` for a lease that ran out unswept and that an acquire marked expired itself (when
 * leasing its proxy again), as the sweeper would have. Fire-and-forget, like the credit events.
 */
export function raiseLapsedLease(
  ctx: ApiContext,
  lapsed: { leaseId: string; userId: string; expiresAt: Date },
  proxy: { id: string; ip: string; port: number },
): void {
  const data = {
    lease_id: lapsed.leaseId,
    proxy_id: proxy.id,
    ip: proxy.ip,
    port: proxy.port,
    expires_at: lapsed.expiresAt.toISOString(),
  };
  void publishEvent(ctx.queues.events, buildEvent('lease.expired', data, lapsed.userId), ctx.logger);
}
