import { describe, expect, it } from '@jest/globals';
import { createRegexRunner, judgeSiteAnswer, type SiteExpectation } from '../src/site-check/site-answer.js';

const runRegex = createRegexRunner(50);
const expectation = (fields: Partial<SiteExpectation> = {}): SiteExpectation => ({
  expectedStatus: 200,
  bodySubstring: null,
  bodyRegex: null,
  ...fields,
});
const answer = (statusCode: number | null, body = '', error: string | null = null) => ({
  statusCode,
  latencyMs: statusCode === null ? null : 12,
  error,
  body: Buffer.from(body),
});
const judge = (fields: Partial<SiteExpectation>, given: ReturnType<typeof answer>) =>
  judgeSiteAnswer(expectation(fields), given, runRegex, 50);

describe('judgeSiteAnswer', () => {
  it('passes on the expected status and the body assertions, and says why it fails otherwise', () => {
    expect(judge({}, answer(200))).toEqual({ passed: true, detail: 'Status 200 as expected' });
    expect(judge({ bodySubstring: 'shop', bodyRegex: 'Basket \\(\\d+\\)' }, answer(200, 'shop Basket (2)'))).toEqual({
      passed: true,
      detail: 'Status 200 as expected, body matched',
    });
    expect(judge({ expectedStatus: 404 }, answer(200))).toEqual({
      passed: false,
      detail: 'Expected status 404, got 200',
    });
    expect(judge({}, answer(502))).toEqual({
      passed: false,
      detail: 'Expected status 200, got 502 (Proxy could not reach the target (502 Bad Gateway))',
    });
    expect(judge({}, answer(null, '', 'Connection refused by proxy'))).toEqual({
      passed: false,
      detail: 'Connection refused by proxy',
    });
    expect(judge({ bodySubstring: 'shop' }, answer(200, 'captive portal')).passed).toBe(false);
    expect(judge({ bodyRegex: '^\\d+$' }, answer(200, 'abc'))).toEqual({
      passed: false,
      detail: 'Status 200, but the body does not match body_regex',
    });
  });

  it('stops a catastrophically backtracking body_regex at its time limit and fails the proxy', () => {
    const started = performance.now();
    const verdict = judge({ bodyRegex: '^(a+)+$' }, answer(200, `${'a'.repeat(40)}b`));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(verdict).toEqual({ passed: false, detail: 'body_regex took longer than 50 ms on the body' });
    // The runner is usable again after an interrupted match.
    expect(runRegex(/b$/, `${'a'.repeat(40)}b`)).toBe(true);
  });
});
