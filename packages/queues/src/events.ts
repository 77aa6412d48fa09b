import { z } from 'zod';
import type { EventData } from './event-payloads.js';

/** Every event type the system raises, with the version of its payload schema. */
export const EVENT_TYPES = {
  'proxy.pool_low': 1,
  'credits.low': 1,
  'credits.depleted': 1,
  'source.failing': 1,
  'lease.expired': 1,
  'scrape.completed': 1,
} as const;

export type EventType = keyof typeof EVENT_TYPES;

export const eventSchema = z.object({
  id: z.string().uuid(),
  type: z.enum(Object.keys(EVENT_TYPES) as [EventType, ...EventType[]]),
  version: z.number().int().positive(),
  occurred_at: z.string().datetime(),
  /** Set on user-scoped events (credits.*, lease.expired). */
  user_id: z.string().uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export type PoolEvent = z.infer<typeof eventSchema>;

/**
 * A new event of `type` at its current payload version. `data` is type-checked against the type's payload
 * schema (`EVENT_PAYLOADS` in event-payloads.ts); `publishEvent` checks it again at run time.
 */
export function buildEvent<T extends EventType>(type: T, data: EventData<T>, userId: string | null = null): PoolEvent {
  return {
    id: crypto.randomUUID(),
    type,
    version: EVENT_TYPES[type],
    occurred_at: new Date().toISOString(),
    user_id: userId,
    data: data as Record<string, unknown>,
  };
}
