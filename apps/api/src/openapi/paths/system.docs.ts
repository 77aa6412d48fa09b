import { z } from 'zod';
import type { RouteDoc } from '../route-doc.js';

const connection = z.enum(['connected', 'disconnected']);

const health = z
  .object({
    status: z.enum(['healthy', 'degraded']),
    postgres: connection,
    redis: connection,
    version: z.string().meta({ example: '0.1.0' }),
  })
  .meta({ id: 'Health' });

const readiness = z
  .object({
    status: z.enum(['ready', 'not_ready', 'draining']),
    postgres: connection.optional(),
    redis: connection.optional(),
  })
  .meta({ id: 'Readiness' });

const html = { 'text/html': z.string() };

export const systemDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Health check',
    description: 'No authentication. Answers within about 1.5 s.',
    tags: ['System'],
    public: true,
    dependencies: false,
    responses: {
      200: { description: 'PostgreSQL and Redis answer.', schema: health },
      503: { description: 'PostgreSQL or Redis does not answer; the body names which.', schema: health },
    },
  },
  {
    method: 'get',
    path: '/ready',
    summary: 'Readiness probe',
    description:
      'No authentication. 200 while PostgreSQL and Redis answer; 503 when either does not, and at once (without checking) after the process received SIGTERM, so a load balancer stops routing to it while in-flight requests finish.',
    tags: ['System'],
    public: true,
    dependencies: false,
    responses: {
      200: { description: 'Ready for traffic.', schema: readiness },
      503: {
        description:
          'A dependency does not answer (named in the body), or the process is shutting down (`status: draining`).',
        schema: readiness,
      },
    },
  },
  {
    method: 'get',
    path: '/live',
    summary: 'Liveness probe',
    description:
      'No authentication. 200 whenever the process answers HTTP; checks no dependency (a restart would not bring PostgreSQL or Redis back).',
    tags: ['System'],
    public: true,
    dependencies: false,
    responses: {
      200: {
        description: 'The process is alive.',
        schema: z.object({ status: z.literal('live') }).meta({ id: 'Liveness' }),
      },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description: 'Request durations, queue depths, pool size by status, lease and credit counters, process metrics.',
    tags: ['System'],
    public: true,
    dependencies: false,
    responses: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': z.string() } } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tags: ['System'],
    public: true,
    dependencies: false,
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document.',
        schema: z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' }),
      },
    },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'API documentation page',
    description: 'A page that renders /openapi.json.',
    tags: ['System'],
    public: true,
    dependencies: false,
    responses: { 200: { description: 'The documentation page.', content: html } },
  },
  {
    method: 'get',
    path: '/admin/queues',
    summary: 'Bull Board (queue dashboard)',
    description:
      'A web UI over every queue, for admins; browsers sign in with HTTP Basic (any user name, the API key as password).',
    tags: ['Admin'],
    admin: true,
    responses: { 200: { description: 'The dashboard.', content: html } },
  },
];
