import { defineParser } from '@proxy-pool/plugin-contracts';
import { CandidateCollector } from './core/candidate-collector.js';
import { looksLikeProxyToken, parseProxyToken } from './core/proxy-token.js';
import { isMostly, sampleHead, stripBom } from './core/text.js';

const MAX_SAMPLE_LINES = 200;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 11 || code === 12 || code === 0xa0 || code === 0xfeff;
}

/**
 * Calls `onToken` with the first whitespace-separated token of each line that is not blank or a comment.
 * Scans the text once and slices only the tokens: 10 MB lists stay fast and light on garbage.
 */
export function forEachToken(text: string, onToken: (token: string) => unknown): void {
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    let start = lineStart;
    while (start < lineEnd && isSpace(text.charCodeAt(start))) start++;
    lineStart = lineEnd + 1;
    if (start === lineEnd) continue;
    const first = text.charCodeAt(start);
    if (first === 35 || (first === 47 && text.charCodeAt(start + 1) === 47)) continue;
    let end = start + 1;
    while (end < lineEnd && !isSpace(text.charCodeAt(end))) end++;
    if (onToken(text.slice(start, end)) === false) return;
  }
}

/**
 * A first word without a single digit is prose, not a damaged entry: header and footer lines such as
 * clarketm's `Proxy list updated at …` / `IP address:Port CountryCode-…` or `Support by donations:`.
 * Such lines are passed over instead of being counted as skipped entries.
 */
export function isProse(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 48 && code <= 57) return false;
  }
  return true;
}

/**
 * One proxy per line: `ip:port`, `scheme://[user:pass@]ip:port`, `ip:port:user:pass`; text after the first
 * space (clarketm's `CC-A-S +` flags) is ignored, and so are prose lines.
 */
export const plaintextParser = defineParser({
  name: 'plaintext',
  supports(sample) {
    let lines = 0;
    let entries = 0;
    forEachToken(sampleHead(sample.body), (token) => {
      lines++;
      if (looksLikeProxyToken(token)) entries++;
      return lines < MAX_SAMPLE_LINES;
    });
    return isMostly(entries, lines);
  },
  parse(body, context) {
    const collector = new CandidateCollector(context.defaultProtocol);
    forEachToken(stripBom(body), (token) => {
      if (!isProse(token)) collector.add(parseProxyToken(token));
    });
    return collector.result();
  },
});
