import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { newNonce, verifyJudgeAnswer } from './judge.js';

export interface LearnOwnIpOptions {
  /** Verify the answer's proof with the judge secret (recommended). */
  secret?: string;
  timeoutMs?: number;
}

/** Asks the judge directly (no proxy) which address it sees: the checker's own public IP. */
export function learnOwnIp(judgeUrl: string, options: LearnOwnIpOptions = {}): Promise<string> {
  const nonce = newNonce();
  const url = new URL(judgeUrl);
  url.searchParams.set('nonce', nonce);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: options.timeoutMs ?? 5000, headers: { Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 64 * 1024) req.destroy(new Error('judge answer too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`judge answered ${res.statusCode}`));
        const verdict =
          options.secret === undefined ? unverified(body, nonce) : verifyJudgeAnswer(body, nonce, options.secret);
        if (verdict.ok) resolve(verdict.remoteAddr);
        else reject(new Error(`cannot learn own IP: ${verdict.reason}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`judge did not answer within ${options.timeoutMs ?? 5000}ms`)));
    req.on('error', reject);
    req.end();
  });
}

function unverified(body: string, nonce: string): { ok: true; remoteAddr: string } | { ok: false; reason: string } {
  try {
    const parsed = JSON.parse(body) as { nonce?: unknown; remote_addr?: unknown };
    if (parsed.nonce === nonce && typeof parsed.remote_addr === 'string')
      return { ok: true, remoteAddr: parsed.remote_addr };
    return { ok: false, reason: 'judge answer lacks the nonce or remote_addr' };
  } catch {
    return { ok: false, reason: 'judge answer not JSON' };
  }
}
