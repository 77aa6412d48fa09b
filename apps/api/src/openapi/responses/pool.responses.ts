import { ProxyStatus } from '@proxy-pool/db';
import { ANONYMITY_LEVELS, PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { z } from 'zod';
import { leasedProxySchema, timestamp, uuid } from '../schemas.js';

/** A lease as its holder gets it from an acquire. */
export const acquiredSchema = z
  .object({
    lease_id: uuid,
    proxy: leasedProxySchema.extend({
      username: z.string().optional().meta({ description: 'Only for proxies with upstream credentials.' }),
      password: z.string().nullable().optional(),
    }),
    expires_at: timestamp,
    credits_remaining: z.number().int(),
  })
  .meta({ id: 'Lease' });
export type AcquireResponse = z.infer<typeof acquiredSchema>;

export const releasedSchema = z
  .object({
    lease_id: uuid,
    released_at: timestamp.nullable().meta({ description: 'Null when the lease ran out before it was released.' }),
    expires_at: timestamp,
  })
  .meta({ id: 'ReleasedLease' });
export type ReleaseResponse = z.infer<typeof releasedSchema>;

const counts = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.number().int()])) as Record<K, z.ZodNumber>);

export const poolStatsSchema = z
  .object({
    total_proxies: z.number().int(),
    by_status: counts(Object.values(ProxyStatus)),
    by_protocol: counts(PROXY_PROTOCOLS),
    by_anonymity: counts(ANONYMITY_LEVELS).meta({ description: 'Over active proxies.' }),
    avg_score: z.number().nullable(),
    avg_latency_ms: z.number().nullable(),
    sources_active: z.number().int(),
    sources_total: z.number().int(),
    last_scrape_at: timestamp.nullable(),
    last_validation_at: timestamp.nullable(),
  })
  .meta({ id: 'PoolStats' });
export type PoolStats = z.infer<typeof poolStatsSchema>;

const notifierStatusSchema = z.object({ name: z.string(), healthy: z.boolean(), subscribes_to: z.array(z.string()) });
export type NotifierStatus = z.infer<typeof notifierStatusSchema>;

export const pluginStatusSchema = z
  .object({
    parsers: z.array(z.object({ name: z.string(), type: z.string().meta({ example: 'SourceParser' }) })),
    checkers: z.array(z.object({ name: z.string(), stage: z.number().int(), priority: z.number().int() })),
    notifiers: z.array(notifierStatusSchema),
  })
  .meta({ id: 'PluginStatus' });
export type PluginStatus = z.infer<typeof pluginStatusSchema>;
