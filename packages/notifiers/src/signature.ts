import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA256 over `${timestamp}.${body}`: the X-Signature header of a webhook delivery. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The receiver's side: true when `signature` signs `body` at `timestamp` and the timestamp is within
 * `toleranceSeconds` of now (a captured delivery cannot be replayed later).
 */
export function verifyWebhook(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  toleranceSeconds = 300,
): boolean {
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!/^\d+$/.test(timestamp) || !(age <= toleranceSeconds)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
