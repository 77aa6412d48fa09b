import { z } from 'zod';
import { timestamp, uuid } from '../schemas.js';

const webhookFields = {
  id: uuid,
  url: z.string().meta({ description: 'Credentials inside the URL are masked in lists.' }),
  subscribes_to: z.array(z.string()).meta({ example: ['credits.*', 'lease.expired'] }),
  created_at: timestamp,
};

/** A webhook as listed: never its secret. */
export const webhookSchema = z.object(webhookFields).meta({ id: 'Webhook' });
export type WebhookView = z.infer<typeof webhookSchema>;

/** The answer to a registration: the only one that carries the signing secret. */
export const createdWebhookSchema = z
  .object({
    ...webhookFields,
    secret: z.string().meta({ description: 'Signs every delivery (HMAC-SHA256); returned only here.' }),
  })
  .meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>;
