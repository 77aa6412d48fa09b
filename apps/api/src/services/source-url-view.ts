import { redact } from '@proxy-pool/logger';
import type { AuthContext } from '../http/request-types.js';

/**
 * A source URL as its reader may see it. Paid list providers put access tokens in the query string (and
 * some lists carry credentials), so only admins, who manage sources, see the query; everyone else sees
 * scheme, host and path. Credentials are masked for admins too: they are never needed to tell lists apart.
 */
export function visibleSourceUrl(url: string, role: AuthContext['role']): string {
  if (role === 'admin') return redact(url) as string;
  if (!URL.canParse(url)) return '';
  const { protocol, host, pathname } = new URL(url);
  return `${protocol}//${host}${pathname}`;
}
