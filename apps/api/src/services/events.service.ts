import { creditEvents } from '@proxy-pool/notifiers';
import { publishEvent } from '@proxy-pool/queues';
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
