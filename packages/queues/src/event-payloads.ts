import { z } from 'zod';
import type { EVENT_TYPES, EventType } from './events.js';

const count = z.number().int().nonnegative();
const uuid = z.string().uuid();
const isoTime = z.string().datetime();

/** `proxy.pool_low` v1: the active proxy count fell below the threshold (raised on the crossing only). */
export const poolLowV1 = z.object({ active_proxies: count, threshold: count });

/** `credits.low` v1: the user's balance fell below the threshold. `threshold` is optional for early producers. */
export const creditsLowV1 = z.object({ balance: count, threshold: count.optional() });

/** `credits.depleted` v1: the user's balance reached 0. */
export const creditsDepletedV1 = z.object({ balance: count });

/** `source.failing` v1: a source failed `consecutive_failures` scrapes in a row. */
export const sourceFailingV1 = z.object({
  source_id: uuid,
  url: z.string(),
  consecutive_failures: z.number().int().positive(),
  last_error: z.string(),
});

/** `lease.expired` v1: a lease ran out without being released. */
export const leaseExpiredV1 = z.object({
  lease_id: uuid,
  proxy_id: uuid,
  ip: z.string(),
  port: z.number().int().min(1).max(65535),
  expires_at: isoTime,
});

/** `lease.refunded` v1: a lease reported failed was refunded (its proxy then failed its re-check). */
export const leaseRefundedV1 = z.object({
  lease_id: uuid,
  proxy_id: uuid,
  amount: z.number().int().positive(),
  balance: count,
});

/** `scrape.completed` v1: a scrape finished (the scrape job's result plus the source URL). */
export const scrapeCompletedV1 = z.object({
  source_id: uuid,
  url: z.string(),
  proxies_discovered: count,
  proxies_new: count,
  proxies_updated: count,
  proxies_skipped: count.optional(),
  duration_ms: count,
});

/**
 * Every payload schema each event type ever had, by version. `EVENT_TYPES[type]` names the version producers
 * emit now; older versions stay here so consumers can still read events queued before an upgrade.
 */
export const EVENT_PAYLOADS = {
  'proxy.pool_low': { 1: poolLowV1 },
  'credits.low': { 1: creditsLowV1 },
  'credits.depleted': { 1: creditsDepletedV1 },
  'source.failing': { 1: sourceFailingV1 },
  'lease.expired': { 1: leaseExpiredV1 },
  'scrape.completed': { 1: scrapeCompletedV1 },
  'lease.refunded': { 1: leaseRefundedV1 },
} as const satisfies { [T in EventType]: { [V in (typeof EVENT_TYPES)[T]]: z.ZodType } };

/** Every payload version of event type `T` (older ones only arrive from events queued before an upgrade). */
export type EventVersion<T extends EventType> = keyof (typeof EVENT_PAYLOADS)[T] & number;

/** The `data` of an event of type `T` at payload version `V`, by default the version producers emit now. */
export type EventData<T extends EventType, V extends EventVersion<T> = (typeof EVENT_TYPES)[T]> = z.output<
  (typeof EVENT_PAYLOADS)[T][V]
>;

export type EventDataCheck = { ok: true; data: Record<string, unknown> } | { ok: false; reason: string };

/** Checks an event's `data` against the schema of its type and version (unknown versions are refused). */
export function checkEventData(type: EventType, version: number, data: unknown): EventDataCheck {
  const schema = (EVENT_PAYLOADS[type] as Record<number, z.ZodType | undefined>)[version];
  if (schema === undefined) return { ok: false, reason: `${type} has no payload version ${version}` };
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data as Record<string, unknown> };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`);
  return { ok: false, reason: `invalid ${type} v${version} data: ${problems.join('; ')}` };
}
