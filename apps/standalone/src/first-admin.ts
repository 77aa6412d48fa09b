import { AppError, registerUser } from '@proxy-pool/api';
import type { Database } from '@proxy-pool/db';

export type FirstAdmin = { created: false } | { created: true; email: string; userId: string; apiKey: string };

/**
 * On a first start (no admin yet) creates one, so a single machine needs no second terminal. Two launchers
 * racing on one database create it once: the loser sees the email taken and creates nothing.
 */
export async function ensureFirstAdmin(db: Database, email: string, signupCredits: number): Promise<FirstAdmin> {
  if ((await db.user.count({ where: { role: 'admin' } })) > 0) return { created: false };
  try {
    const created = await registerUser(db, signupCredits, { email, displayName: 'Admin', role: 'admin' });
    return { created: true, email: created.user.email, userId: created.user.id, apiKey: created.api_key.key };
  } catch (error) {
    if (error instanceof AppError && error.code === 'EMAIL_TAKEN') return { created: false };
    throw error;
  }
}

/** The once-only key, framed so that it stands out in the start-up output (written to stdout, never logged). */
export function firstAdminBanner(admin: { email: string; apiKey: string }, apiUrl: string): string {
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    `  First admin created: ${admin.email}`,
    '  API key (shown once, never again: store it now):',
    '',
    `    ${admin.apiKey}`,
    '',
    `  Try it:  curl -H "Authorization: Bearer ${admin.apiKey}" ${apiUrl}/account`,
    '  More admins: npm run admin -- create --email <email>',
    rule,
    '',
    '',
  ].join('\n');
}
