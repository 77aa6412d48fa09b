import { defineParser } from '@proxy-pool/plugin-contracts';
import { CandidateCollector } from './core/candidate-collector.js';
import { looksLikeProxyToken, parseProxyToken } from './core/proxy-token.js';
import { isMostly, sampleHead, stripBom } from './core/text.js';

const MAX_SAMPLE_LINES = 200;

/** The first whitespace-separated token of a meaningful line, or null for blank and comment lines. */
function entryToken(rawLine: string): string | null {
  const line = rawLine.trim();
  if (line === '' || line.startsWith('#') || line.startsWith('//')) return null;
  const end = line.search(/[\s]/);
  return end < 0 ? line : line.slice(0, end);
}

/** One proxy per line: `ip:port`, `scheme://[user:pass@]ip:port`, `ip:port:user:pass`; junk after a space is ignored. */
export const plaintextParser = defineParser({
  name: 'plaintext',
  supports(sample) {
    let lines = 0;
    let entries = 0;
    for (const line of sampleHead(sample.body).split('\n')) {
      const token = entryToken(line);
      if (token === null) continue;
      lines++;
      if (looksLikeProxyToken(token)) entries++;
      if (lines >= MAX_SAMPLE_LINES) break;
    }
    return isMostly(entries, lines);
  },
  parse(body, context) {
    const collector = new CandidateCollector(context.defaultProtocol);
    for (const line of stripBom(body).split('\n')) {
      const token = entryToken(line);
      if (token !== null) collector.add(parseProxyToken(token));
    }
    return collector.result();
  },
});
