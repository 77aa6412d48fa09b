import { randomBytes } from 'node:crypto';
import { olderThan, type Database, type UserWebhook } from '@proxy-pool/db';
import { redact } from '@proxy-pool/logger';
import { checkUrl } from '@proxy-pool/ssrf';
import type { ApiContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, cursorPosition, toPage, type Page, type PageRequest } from '../http/pagination.js';
import { assertId } from '../http/path-ids.js';
import type { CreatedWebhook, WebhookView } from '../openapi/responses/webhooks.responses.js';

export interface WebhookInput {
  url: string;
  subscribes_to: string[];
}

export function renderWebhook(row: UserWebhook): WebhookView {
  return {
    id: row.id,
    url: redact(row.url) as string,
    subscribes_to: row.subscribesTo,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * Registers a webhook for the user's own events. The URL must pass the SSRF rules now (and is checked again
 * at every delivery). At most WEBHOOKS_PER_USER per user: the row is inserted, then counted, so two
 * concurrent registrations can never both slip past the limit (at worst both are refused).
 */
export async function createWebhook(ctx: ApiContext, userId: string, input: WebhookInput): Promise<CreatedWebhook> {
  const verdict = await checkUrl(input.url, { allowPrivate: ctx.config.ALLOW_PRIVATE_TARGETS });
  if (!verdict.ok)
    throw new AppError('UNSAFE_URL', `The webhook URL is not allowed: ${verdict.reason}.`, {
      field: 'url',
      reason: verdict.reason,
    });
  const secret = randomBytes(32).toString('hex');
  const row = await ctx.db.userWebhook.create({
    data: { userId, url: input.url, secret, subscribesTo: input.subscribes_to },
  });
  const limit = ctx.config.WEBHOOKS_PER_USER;
  if ((await ctx.db.userWebhook.count({ where: { userId } })) > limit) {
    await ctx.db.userWebhook.delete({ where: { id: row.id } });
    throw new AppError('WEBHOOK_LIMIT', `You can register at most ${limit} webhooks; delete one first.`, { limit });
  }
  return { ...renderWebhook(row), url: input.url, secret };
}

/** The user's webhooks, newest first. */
export async function listWebhooks(db: Database, userId: string, page: PageRequest): Promise<Page<WebhookView>> {
  const after = cursorPosition(page.cursor);
  const [rows, total] = await Promise.all([
    db.userWebhook.findMany({
      where: { userId, ...olderThan(after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
    }),
    db.userWebhook.count({ where: { userId } }),
  ]);
  return toPage(rows, page.limit, total, renderWebhook, createdAtPosition);
}

/** Deletes one of the user's own webhooks; another user's is indistinguishable from a missing one (404). */
export async function deleteWebhook(db: Database, userId: string, webhookId: string): Promise<void> {
  assertId(webhookId, 'Webhook');
  const { count } = await db.userWebhook.deleteMany({ where: { id: webhookId, userId } });
  if (count === 0) throw notFound('Webhook');
}
