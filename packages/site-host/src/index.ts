import { parse } from 'tldts';

/**
 * The site a target belongs to, the key of every per-site figure: the registrable domain (eTLD+1 from the
 * Public Suffix List, e.g. `shop.example.co.uk` → `example.co.uk`), lower case. Accepts a URL or a bare host,
 * with or without a port. An IP address is its own site, and so is `localhost`. Null when the input names no host
 * a public site could have: nothing, or a single label (`abc`, `intranet`).
 */
export function siteOf(target: string): string | null {
  const trimmed = target.trim();
  if (trimmed === '' || trimmed.length > 2048) return null;
  const parsed = parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`, {
    allowPrivateDomains: false,
  });
  const host = parsed.hostname?.toLowerCase();
  if (!host) return null;
  if (parsed.isIp) return host.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return host;
  return parsed.domain?.toLowerCase() ?? null;
}
