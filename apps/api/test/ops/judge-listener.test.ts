import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { learnOwnIp, newNonce, verifyJudgeAnswer } from '@proxy-pool/checkers';
import { loadApiConfig, loadJudgeConfig } from '../../src/config.js';
import { startJudge } from '../../src/judge-main.js';

const SECRET = 'judge-listener-secret-0123456789';
let judge: Awaited<ReturnType<typeof startJudge>>;
let base: string;

beforeAll(async () => {
  judge = await startJudge({
    JUDGE_SECRET: SECRET,
    JUDGE_PORT: '0',
    JUDGE_HOST: '127.0.0.1',
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
  });
  base = `http://127.0.0.1:${judge.port}`;
});
afterAll(async () => {
  await judge.stop();
});

describe('the judge on its own listener (no database, no Redis, no API key)', () => {
  it('answers GET /judge with a proof of the nonce and the caller address', async () => {
    const nonce = newNonce();
    const res = await fetch(`${base}/judge?nonce=${nonce}`, { headers: { 'X-Probe': 'yes' } });
    expect(res.status).toBe(200);
    const verdict = verifyJudgeAnswer(await res.text(), nonce, SECRET);
    expect(verdict).toMatchObject({ ok: true, remoteAddr: '127.0.0.1', headers: { 'x-probe': 'yes' } });
  });

  it('is where a checker learns its own address', async () => {
    await expect(learnOwnIp(`${base}/judge`, { secret: SECRET })).resolves.toBe('127.0.0.1');
    await expect(learnOwnIp(`${base}/judge`, { secret: 'another-secret-0123456789' })).rejects.toThrow(/proof/);
  });

  it('serves /live and nothing of the API', async () => {
    expect((await fetch(`${base}/live`)).status).toBe(200);
    for (const path of ['/proxies', '/health', '/metrics', '/admin/queues']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });

  it('refuses a bad nonce with a 400 in the error envelope', async () => {
    const res = await fetch(`${base}/judge?nonce=xyz`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_NONCE');
  });
});

describe('JUDGE_SECRET', () => {
  it('is required in production by the API and the judge, naming the key', () => {
    expect(() => loadJudgeConfig({ NODE_ENV: 'production' })).toThrow(
      /JUDGE_SECRET: required when NODE_ENV=production/,
    );
    expect(() => loadApiConfig({ NODE_ENV: 'production' })).toThrow(/JUDGE_SECRET: required when NODE_ENV=production/);
    expect(() => loadApiConfig({ NODE_ENV: 'production', JUDGE_SECRET: 'change-me-judge-secret' })).toThrow(
      /JUDGE_SECRET/,
    );
    expect(loadApiConfig({ NODE_ENV: 'production', JUDGE_SECRET: SECRET }).JUDGE_SECRET).toBe(SECRET);
  });

  it('keeps a default in development and tests', () => {
    expect(loadApiConfig({ NODE_ENV: 'development' }).JUDGE_SECRET).toHaveLength(22);
    expect(loadJudgeConfig({ NODE_ENV: 'test' }).JUDGE_SECRET).toHaveLength(22);
    expect(loadJudgeConfig({}).JUDGE_PORT).toBe(8080);
  });
});
