import { matchesPattern } from '@proxy-pool/plugin-contracts';
import { EVENT_TYPES } from '@proxy-pool/queues';
import { z } from 'zod';

const KNOWN_TYPES = Object.keys(EVENT_TYPES);

/** One subscription: `*`, `credits.*` or an exact event type; it must match at least one event type. */
export const subscriptionPatternSchema = z
  .string()
  .regex(/^[a-z0-9_.*]{1,64}$/, 'must be an event type or a glob such as "*" or "credits.*"')
  .refine((pattern) => KNOWN_TYPES.some((type) => matchesPattern(pattern, type)), {
    error: (issue) => `"${String(issue.input)}" matches no event type (known: ${KNOWN_TYPES.join(', ')})`,
  });

/** A notifier's subscriptions: at least one pattern, `["*"]` when omitted. */
export const subscriptionsSchema = z
  .array(subscriptionPatternSchema)
  .min(1, 'needs at least one pattern')
  .max(32)
  .default(['*'])
  .transform((patterns) => [...new Set(patterns)]);
