import { olderThan, revokeApiKey, type ApiKey, type Database } from '@proxy-pool/db';
import type { ApiContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, cursorPosition, toPage, type Page, type PageRequest } from '../http/pagination.js';
import { assertId } from '../http/path-ids.js';
import type { CreatedKey, KeyView } from '../openapi/responses/accounts.responses.js';
import { generateApiKey } from './api-keys.js';

export function renderKey(key: ApiKey): KeyView {
  return {
    id: key.id,
    prefix: key.prefix,
    label: key.label,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

export async function createKey(db: Database, userId: string, label: string): Promise<CreatedKey> {
  const key = generateApiKey();
  const row = await db.apiKey.create({ data: { userId, prefix: key.prefix, keyHash: key.hash, label } });
  return { id: row.id, key: key.raw, prefix: row.prefix, label: row.label, created_at: row.createdAt.toISOString() };
}

/** All of the user's keys, revoked ones included, newest first. */
export async function listKeys(db: Database, userId: string, page: PageRequest): Promise<Page<KeyView>> {
  const after = cursorPosition(page.cursor);
  const [rows, total] = await Promise.all([
    db.apiKey.findMany({
      where: { userId, ...olderThan(after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
    }),
    db.apiKey.count({ where: { userId } }),
  ]);
  return toPage(rows, page.limit, total, renderKey, createdAtPosition);
}

/**
 * Revokes one of the user's own keys and answers with it. Another user's key is indistinguishable from
 * a missing one (404). Revoking a revoked key answers it unchanged. The user's last live key stays: 409 LAST_KEY.
 * This process's key cache forgets the key before the answer goes out (other processes hear of it from the
 * database's notification).
 */
export async function revokeKey(
  ctx: Pick<ApiContext, 'db' | 'keyHolders'>,
  userId: string,
  keyId: string,
): Promise<KeyView> {
  const { db } = ctx;
  assertId(keyId, 'API key');
  const { outcome } = await revokeApiKey(db, userId, keyId);
  if (outcome === 'not_found') throw notFound('API key');
  if (outcome === 'last_key') {
    throw new AppError('LAST_KEY', 'This is your last live API key; create another key before revoking it.', {
      key_id: keyId,
    });
  }
  const key = await db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  ctx.keyHolders.forget(key.keyHash);
  return renderKey(key);
}
