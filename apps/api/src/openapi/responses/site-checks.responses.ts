import { z } from 'zod';
import { timestamp, uuid } from '../schemas.js';

/** A site check with its figures over its window. */
export const siteCheckSchema = z
  .object({
    id: uuid,
    name: z.string().meta({ description: 'What `works_for=` names.', example: 'shop-home' }),
    url: z.string().meta({ example: 'https://shop.example.com/' }),
    expected_status: z.number().int().meta({ example: 200 }),
    body_substring: z
      .string()
      .nullable()
      .meta({ description: 'Text the body must contain.', example: 'Add to basket' }),
    body_regex: z.string().nullable().meta({
      description: 'JavaScript regular expression the body must match (no flags).',
      example: 'Basket \\(\\d+\\)',
    }),
    interval_seconds: z.number().int().meta({ example: 600 }),
    sample_size: z.number().int().meta({ description: 'Proxies tried per run, rotating through the active pool.' }),
    is_active: z.boolean(),
    last_run_at: timestamp.nullable().meta({ description: 'When the last run was started; null before the first.' }),
    window_seconds: z.number().int().meta({
      description: 'How long a result counts (2 × interval_seconds): for the figures below and for `works_for=`.',
    }),
    proxies_checked: z.number().int().meta({ description: 'Proxies with a result within the window.' }),
    proxies_passing: z.number().int().meta({ description: 'Of those, how many passed: what `works_for=` lists.' }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'SiteCheck' });
export type SiteCheckView = z.infer<typeof siteCheckSchema>;

/** A proxy's latest result on one site check, as `GET /proxies/{proxy_id}` shows it. */
export const proxySiteCheckSchema = z
  .object({
    name: z.string().meta({ example: 'shop-home' }),
    passed: z.boolean(),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().nullable().meta({ description: 'Time to the answer’s headers.' }),
    detail: z.string().meta({ example: 'Status 200, but the body does not contain "Add to basket"' }),
    checked_at: timestamp,
  })
  .meta({ id: 'ProxySiteCheck' });
