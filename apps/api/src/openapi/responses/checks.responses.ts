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

/** One proxy in the list-item shape with its newest check rows. */
export const proxyDetailSchema = z
  .object({
    proxy: proxyItemSchema,
    recent_checks: z.array(recentCheckSchema).meta({ description: 'Newest first.' }),
    site_checks: z
      .array(proxySiteCheckSchema)
      .meta({ description: 'The latest result of every site check that tried this proxy, by check name.' }),
  })
  .meta({ id: 'ProxyDetail' });
export type ProxyDetail = z.infer<typeof proxyDetailSchema>;
