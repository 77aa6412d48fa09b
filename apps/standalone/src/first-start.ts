import { readFileSync } from 'node:fs';
import { loadApiConfig } from '@proxy-pool/api';
import type { Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import { importCatalog, loadCatalog } from '@proxy-pool/source-catalog';
import type { StandaloneConfig } from './config.js';
import { ensureFirstAdmin, firstAdminBanner } from './first-admin.js';

/**
 * What a start on an empty database does: the first admin (its key printed once, framed, on stdout; the log
 * line carries no key) and, with SEED_SOURCES, the source catalog.
 */
export async function firstStart(
  db: Database,
  config: StandaloneConfig,
  env: Record<string, string | undefined>,
  apiUrl: string,
  logger: Logger,
): Promise<void> {
  const admin = await ensureFirstAdmin(db, config.ADMIN_EMAIL, loadApiConfig(env).SIGNUP_CREDITS);
  if (!admin.created) return;
  logger.info('first admin created; its API key is printed once below', { email: admin.email, user_id: admin.userId });
  process.stdout.write(firstAdminBanner(admin, apiUrl));
  if (!config.SEED_SOURCES || (await db.source.count()) > 0) return;
  // No queue here: the scraper's schedule reconcile at its start schedules every active source.
  const entries =
    config.SOURCE_CATALOG === undefined ? undefined : loadCatalog(readFileSync(config.SOURCE_CATALOG, 'utf8'));
  const seeded = await importCatalog(db, { entries });
  logger.info('source catalog added', { added: seeded.added, catalog: config.SOURCE_CATALOG ?? 'built-in' });
}
