import { ReportOutcome } from '@proxy-pool/db';
import { z } from 'zod';
import { timestamp, uuid } from '../schemas.js';

/** A stored lease report, as its author gets it back. */
export const leaseReportSchema = z
  .object({
    id: uuid,
    lease_id: uuid,
    proxy_id: uuid,
    outcome: z.enum(ReportOutcome),
    target_host: z
      .string()
      .meta({ description: 'The registrable domain of the reported target.', example: 'example.com' }),
    status_code: z.number().int().nullable(),
    detail: z.string().nullable(),
    refund_pending: z.boolean().meta({
      description:
        'The lease was reported `failed` and is not refunded yet: a failing re-check of the proxy within REFUND_WINDOW_MINUTES refunds its credit.',
    }),
    created_at: timestamp,
  })
  .meta({ id: 'LeaseReport' });
export type LeaseReportResponse = z.infer<typeof leaseReportSchema>;
