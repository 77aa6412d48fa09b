import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { learnOwnIp, newNonce, nonceProof, verifyJudgeAnswer } from '../src/index.js';
import { SECRET, startJudge } from './harness.js';
import type { Judge } from './harness.js';

let judge: Judge;

function fetchText(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  judge = await startJudge('127.0.0.3');
});
afterAll(() => judge.close());

describe('judge protocol', () => {
  it('echoes the caller address and headers with a proof of the nonce', async () => {
    const nonce = newNonce();
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    const answer = await fetchText(`${judge.judgeUrl}?nonce=${nonce}`, { 'X-Probe': 'yes' });
    expect(answer.status).toBe(200);
    const parsed = JSON.parse(answer.body) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      nonce,
      proof: nonceProof(SECRET, nonce),
      remote_addr: '127.0.0.1',
      headers: { 'x-probe': 'yes' },
    });
    expect(verifyJudgeAnswer(answer.body, nonce, SECRET)).toMatchObject({ ok: true, remoteAddr: '127.0.0.1' });
  });

  it('refuses a missing or malformed nonce', async () => {
    expect((await fetchText(judge.judgeUrl)).status).toBe(400);
    expect((await fetchText(`${judge.judgeUrl}?nonce=not-hex`)).status).toBe(400);
  });

  it('rejects answers that do not prove the nonce, with a precise reason', async () => {
    const nonce = newNonce();
    const { body } = await fetchText(`${judge.judgeUrl}?nonce=${nonce}`);
    const answer = JSON.parse(body) as Record<string, unknown>;
    const reasonFor = (text: string, expected = nonce, secret = SECRET): string => {
      const verdict = verifyJudgeAnswer(text, expected, secret);
      return verdict.ok ? 'ok' : verdict.reason;
    };
    expect(reasonFor('<html>canned</html>')).toBe('judge answer not JSON');
    expect(reasonFor('[1,2]')).toBe('judge answer not a JSON object');
    expect(reasonFor(body, newNonce())).toBe('nonce mismatch');
    expect(reasonFor(body, nonce, 'other-secret')).toBe('nonce proof mismatch');
    expect(reasonFor(JSON.stringify({ ...answer, proof: 'f'.repeat(64) }))).toBe('nonce proof mismatch');
    expect(reasonFor(JSON.stringify({ ...answer, remote_addr: '203.0.113.5' }))).toBe(
      'judge answer altered (signature mismatch)',
    );
    expect(reasonFor(JSON.stringify({ ...answer, headers: {} }))).toBe('judge answer altered (signature mismatch)');
    expect(reasonFor(JSON.stringify({ ...answer, remote_addr: undefined }))).toBe('judge answer has no remote_addr');
  });

  it('learns the checker own IP from a direct request', async () => {
    await expect(learnOwnIp(judge.judgeUrl, { secret: SECRET })).resolves.toBe('127.0.0.1');
    await expect(learnOwnIp(judge.judgeUrl)).resolves.toBe('127.0.0.1');
    await expect(learnOwnIp(judge.judgeUrl, { secret: 'wrong' })).rejects.toThrow('nonce proof mismatch');
  });
});
