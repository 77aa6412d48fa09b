import { z } from 'zod';
import { createBody as createWebhookBody, pageQuery } from '../../routes/webhooks.routes.js';
import type { RouteDoc } from '../route-doc.js';
import { createdWebhookSchema, webhookSchema } from '../responses/webhooks.responses.js';
import { pageOf, uuid } from '../schemas.js';

const webhookIdParams = z.object({ webhook_id: uuid });

export const webhooksDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/account/webhooks',
    summary: 'Register a webhook for the caller’s events',
    description:
      'User-scoped events only (credits.*, lease.expired, lease.refunded). The URL must be a public http(s) address.',
    tags: ['Webhooks'],
    request: { body: createWebhookBody },
    responses: {
      201: { description: 'The webhook with its signing secret (shown only here).', schema: createdWebhookSchema },
    },
    errors: {
      UNSAFE_URL: 'the URL is not http(s) or reaches a non-public address.',
      WEBHOOK_LIMIT: 'the caller has the most webhooks allowed.',
    },
  },
  {
    method: 'get',
    path: '/account/webhooks',
    summary: "List the caller's webhooks",
    tags: ['Webhooks'],
    request: { query: pageQuery },
    responses: {
      200: {
        description: 'A page of webhooks, newest first (no secrets).',
        schema: pageOf(webhookSchema, 'WebhookPage'),
      },
    },
  },
  {
    method: 'delete',
    path: '/account/webhooks/{webhook_id}',
    summary: 'Delete a webhook',
    tags: ['Webhooks'],
    request: { params: webhookIdParams },
    responses: { 204: { description: 'Deleted.' } },
    errors: { NOT_FOUND: 'no such webhook among the caller’s.' },
  },
];
