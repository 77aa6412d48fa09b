import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * In one process the API's judge and the checker share a secret, so nobody needs to choose one: a random secret
 * is made on the first start and kept in the data folder (readable by its owner only), stable across restarts.
 */
export function judgeSecret(dataDir: string): string {
  const file = path.join(dataDir, 'judge-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
