import { z } from 'zod';
import { checkEventData, type EventData, type EventVersion } from './event-payloads.js';

/** Every event type the system raises, with the version of its payload schema. */
export const EVENT_TYPES = {
  'proxy.pool_low': 1,
  'credits.low': 1,
  'credits.depleted': 1,
  'source.failing': 1,
  'lease.expired': 1,
  'scrape.completed': 1,
  'lease.refunded': 1,
} as const;

export type EventType = keyof typeof EVENT_TYPES;

/** One event of `type` with its payload at `version` (by default the version producers emit now). */
export interface EventOf<T extends EventType, V extends EventVersion<T> = (typeof EVENT_TYPES)[T]> {
  id: string;
  type: T;
  version: V;
  occurred_at: string;
  /** Set on user-scoped events (credits.*, lease.expired, lease.refunded). */
  user_id: string | null;
  data: EventData<T, V>;
}

/** Any event, of any type and payload version: `switch (event.type)` narrows `data` to that type's payload. */
export type PoolEvent = { [T in EventType]: { [V in EventVersion<T>]: EventOf<T, V> }[EventVersion<T>] }[EventType];

const eventEnvelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.enum(Object.keys(EVENT_TYPES) as [EventType, ...EventType[]]),
  version: z.number().int().positive(),
  occurred_at: z.string().datetime(),
  user_id: z.string().uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
});

/** An event as queued: the envelope, then `data` checked against the payload schema of its type and version. */
export const eventSchema = eventEnvelopeSchema.transform((event, ctx): PoolEvent => {
  const check = checkEventData(event.type, event.version, event.data);
  if (!check.ok) {
    ctx.addIssue({ code: 'custom', message: check.reason, path: ['data'] });
    return z.NEVER;
  }
  // checkEventData has just parsed `data` with the schema of exactly this type and version.
  return { ...event, data: check.data } as PoolEvent;
});

/**
 * A new event of `type` at its current payload version. `data` is type-checked against the type's payload
 * schema (`EVENT_PAYLOADS` in event-payloads.ts); `publishEvent` checks it again at run time.
 */
export function buildEvent<T extends EventType>(type: T, data: EventData<T>, userId: string | null = null): EventOf<T> {
  return {
    id: crypto.randomUUID(),
    type,
    version: EVENT_TYPES[type],
    occurred_at: new Date().toISOString(),
    user_id: userId,
    data,
  };
}
