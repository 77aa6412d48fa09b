import type { ParseContext } from '@proxy-pool/plugin-contracts';
import { CandidateCollector } from './core/candidate-collector.js';
import { CompactCandidates } from './core/compact-candidates.js';
import { parseProxyToken } from './core/proxy-token.js';
import { stripBom } from './core/text.js';
import { forEachToken, isProse } from './plaintext.parser.js';

export interface StreamedParse {
  candidates: CompactCandidates;
  skipped: number;
}

/**
 * The plaintext parser over a body that arrives in chunks: each complete line is parsed as it comes, and only
 * the unfinished last line of a chunk waits for the next one. What it keeps is the compact candidates (7
 * bytes each) and the duplicate filter, never the body: a million-line list parses in a few tens of MB.
 * Same rules as `plaintextParser.parse` (same tokens, same duplicates, same skipped count).
 */
export async function parsePlaintextStream(
  chunks: AsyncIterable<Buffer | string>,
  context: ParseContext,
): Promise<StreamedParse> {
  const candidates = new CompactCandidates();
  const collector = new CandidateCollector(context.defaultProtocol, (candidate, ipv4) =>
    candidates.add(candidate, ipv4),
  );
  const onToken = (token: string) => {
    if (!isProse(token)) collector.add(parseProxyToken(token));
  };
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let first = true;
  for await (const chunk of chunks) {
    let text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (first && text.length > 0) {
      text = stripBom(text);
      first = false;
    }
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline < 0) {
      carry = text;
      continue;
    }
    forEachToken(text.slice(0, lastNewline + 1), onToken);
    carry = text.slice(lastNewline + 1);
  }
  forEachToken(stripBom(carry + decoder.decode()), onToken);
  return { candidates, skipped: collector.result().skipped };
}
