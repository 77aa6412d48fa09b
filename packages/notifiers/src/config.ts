import { envInt } from '@proxy-pool/config';
import { z } from 'zod';
import { subscriptionsSchema } from './subscriptions.js';

/** Names show in GET /stats/plugins and in notify job ids; `user-webhook…` is reserved for users' webhooks. */
const nameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    'must be 1-63 letters, digits, _, . or - (starting with a letter or digit)',
  )
  .refine((name) => !name.toLowerCase().startsWith('user-webhook'), 'names starting with "user-webhook" are reserved');

const httpUrl = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

export const webhookConfigSchema = z.strictObject({
  type: z.literal('webhook'),
  name: nameSchema.optional(),
  url: httpUrl,
  /** Key of the X-Signature HMAC; the receiver holds the same secret. */
  secret: z.string().min(16, 'must be at least 16 characters'),
  subscribes_to: subscriptionsSchema,
  timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
});

export const smtpConfigSchema = z.strictObject({
  type: z.literal('smtp'),
  name: nameSchema.optional(),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465). Without it, STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the server upgrades with STARTTLS. */
  require_tls: z.boolean().default(false),
  auth: z.strictObject({ user: z.string().min(1), pass: z.string() }).optional(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1, 'needs at least one recipient'),
  subscribes_to: subscriptionsSchema,
  timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
});

const notifierConfigSchema = z.discriminatedUnion('type', [webhookConfigSchema, smtpConfigSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'type must be "webhook" or "smtp"' : undefined),
});

export type WebhookConfig = z.infer<typeof webhookConfigSchema> & { name: string };
export type SmtpConfig = z.infer<typeof smtpConfigSchema> & { name: string };
export type NotifierConfig = WebhookConfig | SmtpConfig;

/** The notifier list: a notifier without a name is named after its type; names must be unique. */
export const notifierListSchema = z
  .array(notifierConfigSchema)
  .transform((list) => list.map((entry) => ({ ...entry, name: entry.name ?? entry.type }) as NotifierConfig))
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      if (seen.has(entry.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `duplicate notifier name "${entry.name}" (give each notifier its own name)`,
        });
      }
      seen.add(entry.name);
    });
  });

/** The `NOTIFIERS` environment variable: a JSON array of notifier configurations; unset or empty → none. */
export const notifiersConfigSchema = z
  .string()
  .optional()
  .transform((text, ctx): unknown => {
    if (text === undefined || text.trim() === '') return [];
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `must be a JSON array of notifiers (${(error as Error).message})` });
      return z.NEVER;
    }
  })
  .pipe(notifierListSchema);

/** Settings an app that delivers notifications adds to its config schema. */
export const notifierSettingsShape = {
  NOTIFIERS: notifiersConfigSchema,
  /** A notifier is shown unhealthy after this many failed deliveries in a row. */
  NOTIFIER_UNHEALTHY_AFTER: envInt(3, 1, 1000),
};
