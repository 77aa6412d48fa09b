import vm from 'node:vm';
import { proxyFailureForStatus } from '../url-test/errors.js';
import type { ProxiedAnswer } from '../url-test/through-proxy.js';

/** What a site check expects of the answer. */
export interface SiteExpectation {
  expectedStatus: number;
  bodySubstring: string | null;
  bodyRegex: string | null;
}

export interface SiteVerdict {
  passed: boolean;
  detail: string;
}

/**
 * Runs `body_regex` on a body under a time limit. The pattern's length is capped when the check is saved and
 * the body at the checker's body limit; a pattern that still backtracks catastrophically is interrupted by the
 * VM's watchdog after `timeoutMs` (the match runs inside a script, and V8 stops scripts, regular expressions
 * included, at that deadline). One context serves every match of the process.
 */
export function createRegexRunner(timeoutMs: number): (pattern: RegExp, body: string) => boolean | 'timeout' {
  const sandbox = vm.createContext(Object.create(null) as object);
  const script = new vm.Script('pattern.test(body)');
  return (pattern, body) => {
    Object.assign(sandbox, { pattern, body });
    try {
      return script.runInContext(sandbox, { timeout: timeoutMs }) === true;
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
      throw error;
    } finally {
      Object.assign(sandbox, { pattern: undefined, body: undefined });
    }
  };
}

const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/**
 * Judges one answer: the status must equal the expected one, and the body (its first bytes up to the body
 * limit, read as UTF-8) must contain `body_substring` and match `body_regex` when the check has them. A
 * "proxy" that answers every request with its own page fails on the body even with the right status.
 */
export function judgeSiteAnswer(
  expectation: SiteExpectation,
  answer: ProxiedAnswer,
  runRegex: (pattern: RegExp, body: string) => boolean | 'timeout',
  regexTimeoutMs: number,
): SiteVerdict {
  if (answer.statusCode === null) return { passed: false, detail: answer.error ?? 'Request failed' };
  const status = answer.statusCode;
  if (status !== expectation.expectedStatus) {
    const proxyFailure = proxyFailureForStatus(status);
    const why = proxyFailure === undefined ? '' : ` (${proxyFailure})`;
    return { passed: false, detail: `Expected status ${expectation.expectedStatus}, got ${status}${why}` };
  }
  const body = (answer.body ?? Buffer.alloc(0)).toString('utf8');
  if (expectation.bodySubstring !== null && !body.includes(expectation.bodySubstring))
    return {
      passed: false,
      detail: `Status ${status}, but the body does not contain ${quote(expectation.bodySubstring)}`,
    };
  if (expectation.bodyRegex !== null) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(expectation.bodyRegex);
    } catch {
      return { passed: false, detail: 'body_regex is not a valid regular expression' };
    }
    const matched = runRegex(pattern, body);
    if (matched === 'timeout')
      return { passed: false, detail: `body_regex took longer than ${regexTimeoutMs} ms on the body` };
    if (!matched) return { passed: false, detail: `Status ${status}, but the body does not match body_regex` };
  }
  const asserted = expectation.bodySubstring !== null || expectation.bodyRegex !== null;
  return { passed: true, detail: `Status ${status} as expected${asserted ? ', body matched' : ''}` };
}
