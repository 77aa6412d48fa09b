import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const API_KEY_PATTERN = /^pp_[A-Za-z0-9]{48}$/;

/** `pp_` + 48 characters drawn uniformly from [A-Za-z0-9] by a CSPRNG. */
export function generateApiKey(): { raw: string; prefix: string; hash: string } {
  let body = '';
  for (let i = 0; i < 48; i += 1) body += ALPHABET[randomInt(ALPHABET.length)];
  const raw = `pp_${body}`;
  return { raw, prefix: raw.slice(0, 8), hash: hashApiKey(raw) };
}

export function hashApiKey(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}
