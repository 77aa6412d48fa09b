import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** What the judge answers: the nonce, its proof, and what it saw of the caller. */
export interface JudgeAnswer {
  nonce: string;
  proof: string;
  remote_addr: string;
  headers: IncomingHttpHeaders;
  /** HMAC over nonce, remote_addr and headers: a proxy that edits the answer is caught. */
  signature: string;
}

export type JudgeVerdict =
  | { ok: true; remoteAddr: string; headers: IncomingHttpHeaders }
  | { ok: false; reason: string };

const NONCE_PATTERN = /^[0-9a-f]{16,128}$/;

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function nonceProof(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(nonce).digest('hex');
}

function answerSignature(secret: string, nonce: string, remoteAddr: string, headers: unknown): string {
  return createHmac('sha256', secret)
    .update(`${nonce}\n${remoteAddr}\n${JSON.stringify(headers)}`)
    .digest('hex');
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) written as plain IPv4. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** `GET <mount>?nonce=<hex>`: echoes the caller's address and headers with an HMAC proof of the nonce. */
export function createJudgeHandler(options: { secret: string }): (req: IncomingMessage, res: ServerResponse) => void {
  if (options.secret.length === 0) throw new Error('judge secret must not be empty');
  return (req, res) => {
    req.resume();
    const nonce = new URL(req.url ?? '/', 'http://judge.invalid').searchParams.get('nonce') ?? '';
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, {
        error: { code: 'METHOD_NOT_ALLOWED', message: 'the judge answers GET only', details: null },
      });
    if (!NONCE_PATTERN.test(nonce))
      return sendJson(res, 400, {
        error: { code: 'INVALID_NONCE', message: 'nonce must be 16-128 lowercase hex characters', details: null },
      });
    const remoteAddr = normalizeAddress(req.socket.remoteAddress ?? '');
    const answer: JudgeAnswer = {
      nonce,
      proof: nonceProof(options.secret, nonce),
      remote_addr: remoteAddr,
      headers: req.headers,
      signature: answerSignature(options.secret, nonce, remoteAddr, req.headers),
    };
    sendJson(res, 200, answer);
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/** Checks that `body` is this judge's answer to `nonce`; the reason says precisely what is wrong otherwise. */
export function verifyJudgeAnswer(body: string, nonce: string, secret: string): JudgeVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'judge answer not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: 'judge answer not a JSON object' };
  const answer = parsed as Partial<Record<keyof JudgeAnswer, unknown>>;
  if (typeof answer.nonce !== 'string') return { ok: false, reason: 'judge answer has no nonce' };
  if (answer.nonce !== nonce) return { ok: false, reason: 'nonce mismatch' };
  if (typeof answer.proof !== 'string' || !sameHex(answer.proof, nonceProof(secret, nonce)))
    return { ok: false, reason: 'nonce proof mismatch' };
  if (typeof answer.remote_addr !== 'string' || answer.remote_addr.length === 0)
    return { ok: false, reason: 'judge answer has no remote_addr' };
  if (typeof answer.headers !== 'object' || answer.headers === null || Array.isArray(answer.headers))
    return { ok: false, reason: 'judge answer has no headers' };
  const signature = answerSignature(secret, nonce, answer.remote_addr, answer.headers);
  if (typeof answer.signature !== 'string' || !sameHex(answer.signature, signature))
    return { ok: false, reason: 'judge answer altered (signature mismatch)' };
  return { ok: true, remoteAddr: answer.remote_addr, headers: answer.headers as IncomingHttpHeaders };
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
