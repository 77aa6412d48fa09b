import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newNonce, verifyJudgeAnswer } from '@proxy-pool/checkers';
import { startTestApi, type TestApi } from '../support/harness.js';

const SECRET = 'judge-secret-for-api-tests-42';
let api: TestApi;

beforeAll(() => {
  api = startTestApi({ JUDGE_SECRET: SECRET });
});

afterAll(async () => {
  await api?.close();
});

describe('GET /judge', () => {
  it('answers without an API key, echoing the caller with a proof the checker can verify', async () => {
    const nonce = newNonce();
    const res = await api.request
      .get(`/judge?nonce=${nonce}`)
      .set('X-Forwarded-For', '203.0.113.7')
      .set('Via', '1.1 someproxy');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const verdict = verifyJudgeAnswer(res.text, nonce, SECRET);
    expect(verdict).toMatchObject({ ok: true, remoteAddr: expect.stringMatching(/127\.0\.0\.1|::1/) });
    if (!verdict.ok) throw new Error(verdict.reason);
    expect(verdict.headers['x-forwarded-for']).toBe('203.0.113.7');
    expect(verdict.headers.via).toBe('1.1 someproxy');
    expect(verifyJudgeAnswer(res.text, nonce, 'another-secret-entirely')).toEqual({
      ok: false,
      reason: 'nonce proof mismatch',
    });
  });

  it('refuses a missing or malformed nonce with 400 in the error envelope', async () => {
    for (const path of ['/judge', '/judge?nonce=xyz', `/judge?nonce=${'A'.repeat(32)}`]) {
      const res = await api.request.get(path);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'INVALID_NONCE', message: expect.any(String), details: null } });
    }
  });
});
