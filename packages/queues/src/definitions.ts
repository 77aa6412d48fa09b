import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { eventSchema } from './events.js';

const protocol = z.enum(PROXY_PROTOCOLS);

/** One queue: its name, payload and result schemas, and default job options. Producer and consumer share it. */
export interface QueueDefinition<P extends z.ZodType, R extends z.ZodType> {
  name: string;
  payload: P;
  result: R;
  defaultJobOptions: JobsOptions;
}

function defineQueue<P extends z.ZodType, R extends z.ZodType>(
  definition: QueueDefinition<P, R>,
): QueueDefinition<P, R> {
  return definition;
}

/**
 * The maintenance queue's tasks. The queue layer owns every payload schema, so the names live here; each task's
 * definition (schedule and handler) lives in `@proxy-pool/maintenance`, which imports this list and refuses to
 * start unless every name has exactly one definition. The list is not derived the other way round (names
 * collected from the definitions) because the definitions need the queues, the database and the notifiers:
 * this package importing them would be a dependency cycle.
 */
export const MAINTENANCE_TASK_NAMES = [
  'enqueue-due',
  'prune-checks',
  'delete-dead',
  'sweep-leases',
  'pool-watch',
  'run-site-checks',
] as const;
export type MaintenanceTaskName = (typeof MAINTENANCE_TASK_NAMES)[number];

const keepRecent = { removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 24 * 3600, count: 5000 } };

export const scrapeResultSchema = z.object({
  source_id: z.string().uuid(),
  proxies_discovered: z.number().int(),
  proxies_new: z.number().int(),
  proxies_updated: z.number().int(),
  proxies_skipped: z.number().int().optional(),
  duration_ms: z.number().int(),
});
export type ScrapeResult = z.infer<typeof scrapeResultSchema>;

export const urlTestResultSchema = z.object({
  url: z.string(),
  results: z.array(
    z.object({
      proxy_id: z.string().uuid(),
      ip: z.string(),
      port: z.number().int(),
      reachable: z.boolean(),
      status_code: z.number().int().nullable(),
      latency_ms: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
  success_rate: z.number(),
});
export type UrlTestResult = z.infer<typeof urlTestResultSchema>;

export const QUEUES = {
  /** Fetch, parse and upsert one source. Consumed by the scraper. */
  scrape: defineQueue({
    name: 'scrape',
    payload: z.object({ source_id: z.string().uuid(), trigger: z.enum(['schedule', 'manual']) }),
    result: scrapeResultSchema,
    defaultJobOptions: { attempts: 1, ...keepRecent },
  }),
  /** Validate a batch of proxies through the checker pipeline. Consumed by the checker. */
  validate: defineQueue({
    name: 'validate',
    payload: z.object({ proxy_ids: z.array(z.string().uuid()).min(1).max(1000) }),
    result: z.object({ checked: z.number().int(), active: z.number().int(), dead: z.number().int() }),
    defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...keepRecent },
  }),
  /** Test a URL through the best matching active proxies. Consumed by the checker. */
  urlTest: defineQueue({
    name: 'url-test',
    payload: z.object({
      url: z.string().url(),
      count: z.number().int().min(1).max(50),
      timeout_seconds: z.number().min(1).max(60),
      protocol: protocol.optional(),
      country: z.string().length(2).optional(),
    }),
    result: urlTestResultSchema,
    defaultJobOptions: { attempts: 1, removeOnComplete: { age: 600 }, removeOnFail: { age: 3600 } },
  }),
  /**
   * Run one site check (an admin-defined URL with expected status and body) through a sample of proxies.
   * Queued by the `run-site-checks` maintenance task, consumed by the checker. The check itself is read when
   * the job runs, so an edit made meanwhile applies and a deleted check's job does nothing.
   */
  siteCheck: defineQueue({
    name: 'site-check',
    payload: z.object({ site_check_id: z.string().uuid(), proxy_ids: z.array(z.string().uuid()).min(1).max(1000) }),
    result: z.object({ checked: z.number().int(), passed: z.number().int() }),
    defaultJobOptions: { attempts: 2, backoff: { type: 'exponential', delay: 5000 }, ...keepRecent },
  }),
  /** Periodic housekeeping: due re-checks, pruning, lease expiry. Consumed by the scraper. */
  maintenance: defineQueue({
    name: 'maintenance',
    payload: z.object({ task: z.enum(MAINTENANCE_TASK_NAMES) }),
    result: z.object({ affected: z.number().int() }),
    defaultJobOptions: { attempts: 1, ...keepRecent },
  }),
  /** Raised events, fanned out to notifier deliveries. Consumed by the scraper. */
  events: defineQueue({
    name: 'events',
    payload: eventSchema,
    result: z.object({ deliveries: z.number().int() }),
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, ...keepRecent },
  }),
  /** One (event, notifier) delivery. Consumed by the scraper. */
  notify: defineQueue({
    name: 'notify',
    payload: z.object({ event: eventSchema, notifier: z.string().min(1) }),
    result: z.object({ delivered: z.boolean() }),
    defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 2000 }, ...keepRecent },
  }),
} as const;

export type QueueKey = keyof typeof QUEUES;
export type PayloadOf<K extends QueueKey> = z.infer<(typeof QUEUES)[K]['payload']>;
export type ResultOf<K extends QueueKey> = z.infer<(typeof QUEUES)[K]['result']>;
