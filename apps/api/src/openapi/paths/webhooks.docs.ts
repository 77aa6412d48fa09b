import { z } from 'zod';
import { createBody as createWebhookBody, pageQuery } from '../../routes/webhooks.routes.js';
import type { RouteDoc } from '../route-doc.js';
import { pageOf, timestamp, uuid } from '../schemas.js';

const webhookFields = {
  id: uuid,
  url: z.string().meta({ description: 'Credentials inside the URL are masked in lists.' }),
  subscribes_to: z.array(z.string()).meta({ example: ['credits.*', 'lease.expired'] }),
  created_at: timestamp,
};

const webhook = z.object(webhookFields).meta({ id: 'Webhook' });

const createdWebhook = z
  .object({
    ...webhookFields,
    secret: z.string().meta({ description: 'Signs every delivery (HMAC-SHA256); returned only here.' }),
  })
  .meta({ id: 'CreatedWebhook' });

const webhookIdParams = z.object({ webhook_id: uuid });

export const webhooksDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/account/webhooks',
    summary: 'Register a webhook for the caller’s events',
    description: 'User-scoped events only (credits.*, lease.expired). The URL must be a public http(s) address.',
    tags: ['Webhooks'],
    request: { body: createWebhookBody },
    responses: { 201: { description: 'The webhook with its signing secret (shown only here).', schema: createdWebhook } },
    errors: { UNSAFE_URL: 'the URL is not http(s) or reaches a non-public address.', WEBHOOK_LIMIT: 'the caller has the most webhooks allowed.' },
  },
  {
    method: 'get',
    path: '/account/webhooks',
    summary: "List the caller's webhooks",
    tags: ['Webhooks'],
    request: { query: pageQuery },
    responses: { 200: { description: 'A page of webhooks, newest first (no secrets).', schema: pageOf(webhook, 'WebhookPage') } },
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
