import { z } from 'zod';
import { proxyItemSchema, timestamp } from '../schemas.js';
import { proxySiteCheckSchema } from './site-checks.responses.js';

const recentCheckSchema = z.object({
  checker_name: z.string().meta({ example: 'tcp_connect' }),
  stage: z.number().int(),
  passed: z.boolean(),
  latency_ms: z.number().nullable(),
  detail: z.string(),
  created_at: timestamp,
});

/** The proxy's figures on one site (target host), from lease reports, gateway outcomes and site checks. */
const siteFiguresSchema = z.object({
  target_host: z.string().meta({ example: 'example.com' }),
  successes: z.number().int(),
  failures: z.number().int(),
  rate: z.number().meta({ description: 'Smoothed success rate: (successes + 1) / (successes + failures + 2).' }),
  last_success_at: timestamp.nullable(),
  last_failure_at: timestamp.nullable(),
});

/** One proxy in the list-item shape with its newest check rows. */
export const proxyDetailSchema = z
  .object({
    proxy: proxyItemSchema,
    recent_checks: z.array(recentCheckSchema).meta({ description: 'Newest first.' }),
    site_checks: z
      .array(proxySiteCheckSchema)
      .meta({ description: 'The latest result of every site check that tried this proxy, by check name.' }),
    sites: z
      .array(siteFiguresSchema)
      .meta({ description: 'Per-site figures, the most recently seen sites first (at most 20).' }),
  })
  .meta({ id: 'ProxyDetail' });
export type ProxyDetail = z.infer<typeof proxyDetailSchema>;
