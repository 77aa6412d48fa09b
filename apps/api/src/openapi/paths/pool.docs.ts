import { z } from 'zod';
import { acquireBodySchema, acquireHeadersSchema } from '../../services/leases.service.js';
import { proxyListQuerySchema } from '../../services/proxies-query.service.js';
import { proxyExportQuerySchema } from '../../services/proxy-export.service.js';
import type { RouteDoc } from '../route-doc.js';
import { acquiredSchema, pluginStatusSchema, poolStatsSchema, releasedSchema } from '../responses/pool.responses.js';
import { pageOf, proxyItemSchema, uuid } from '../schemas.js';

const leaseIdParams = z.object({ lease_id: uuid });
const unknownSiteCheck = { UNKNOWN_SITE_CHECK: '`works_for` names no site check.' } as const;

export const poolDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/proxies',
    summary: 'Query the pool',
    description: 'Filter and sort; keyset pagination. `order` defaults to the best first for the sort field.',
    tags: ['Proxies'],
    request: { query: proxyListQuerySchema },
    responses: { 200: { description: 'A page of proxies.', schema: pageOf(proxyItemSchema, 'ProxyPage') } },
    errors: unknownSiteCheck,
  },
  {
    method: 'get',
    path: '/proxies/export',
    summary: 'Export every matching proxy',
    description: 'Streams the whole result as `txt` (one `protocol://ip:port` a line), `csv` or a JSON array.',
    tags: ['Proxies'],
    request: { query: proxyExportQuerySchema },
    responses: {
      200: {
        description: 'The proxies, as an attachment.',
        content: { 'text/plain': z.string(), 'text/csv': z.string(), 'application/json': z.array(proxyItemSchema) },
      },
    },
    errors: unknownSiteCheck,
  },
  {
    method: 'post',
    path: '/proxies/acquire',
    summary: 'Lease a proxy (1 credit)',
    description:
      'An exclusive lease on the best matching active proxy. With `Idempotency-Key`, a retried request replays the first answer instead of leasing again.',
    tags: ['Proxies'],
    request: { headers: acquireHeadersSchema, body: acquireBodySchema },
    responses: { 200: { description: 'The lease.', schema: acquiredSchema } },
    errors: {
      INSUFFICIENT_CREDITS: 'the balance is 0.',
      NO_MATCHING_PROXY: 'no active proxy matches the filters.',
      ALL_PROXIES_LEASED: 'every matching proxy is leased right now.',
      ...unknownSiteCheck,
    },
  },
  {
    method: 'post',
    path: '/proxies/acquire/{lease_id}/release',
    summary: 'Release a lease early',
    description: 'The proxy is available again at once. The credit is not refunded.',
    tags: ['Proxies'],
    request: { params: leaseIdParams },
    responses: { 200: { description: 'The ended lease.', schema: releasedSchema } },
    errors: { NOT_FOUND: 'no such lease among the caller’s.' },
  },
  {
    method: 'get',
    path: '/stats/pool',
    summary: 'Pool health overview',
    tags: ['Stats'],
    responses: { 200: { description: 'Counts and averages over the pool.', schema: poolStatsSchema } },
  },
  {
    method: 'get',
    path: '/stats/plugins',
    summary: 'Plugin registry status',
    tags: ['Stats'],
    responses: {
      200: {
        description: 'Parsers, checkers in run order, and notifiers with their health.',
        schema: pluginStatusSchema,
      },
    },
  },
];
