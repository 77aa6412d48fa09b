import { loadApiConfig } from '@proxy-pool/api';
import type { Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import type { StandaloneConfig } from './config.js';
import { ensureFirstAdmin, firstAdminBanner } from './first-admin.js';

/**
 * What a start on an empty database does: the first admin (its key printed once, framed, on stdout; the log
 * line carries no key) and, with SEED_SOURCES, the source catalog.
 */
export async function firstStart(db: Database, config: StandaloneConfig, env: Record<string, string | undefined>, apiUrl: string, logger: Logger): Promise<void> {
  const admin = await ensureFirstAdmin(db, config.ADMIN_EMAIL, loadApiConfig(env).SIGNUP_CREDITS);
  if (!admin.created) return;
  logger.info('first admin created; its API key is printed once below', { email: admin.email, user_id: admin.userId });
  process.stdout.write(firstAdminBanner(admin, apiUrl));
}
