import { z } from 'zod';
import { leaseReportBodySchema } from '../../services/lease-reports.service.js';
import type { RouteDoc } from '../route-doc.js';
import { leaseReportSchema } from '../responses/lease-reports.responses.js';
import { uuid } from '../schemas.js';

export const leaseReportDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/proxies/acquire/{lease_id}/report',
    summary: 'Report how a leased proxy did on a target',
    description:
      'Feeds the per-site scores (`ok` a success, `blocked`/`failed` a failure, `slow` stored only). `blocked` and `failed` queue a re-check of the proxy at once; a `failed` lease whose proxy then fails that re-check within REFUND_WINDOW_MINUTES is refunded its credit once and released (`lease.refunded` on the owner’s webhooks). Accepted while the lease is live and for REFUND_WINDOW_MINUTES after it ended; LEASE_REPORTS_PER_MINUTE per lease.',
    tags: ['Proxies'],
    request: { params: z.object({ lease_id: uuid }), body: leaseReportBodySchema },
    responses: { 201: { description: 'The stored report.', schema: leaseReportSchema } },
    errors: {
      NOT_FOUND: 'no such lease among the caller’s.',
      LEASE_REPORT_CLOSED: 'the lease ended more than REFUND_WINDOW_MINUTES ago.',
    },
  },
];
