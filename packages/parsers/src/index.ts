import type { SourceParser } from '@proxy-pool/plugin-contracts';
import { csvParser } from './csv.parser.js';
import { htmlTableParser } from './html-table.parser.js';
import { jsonParser } from './json.parser.js';
import { plaintextParser } from './plaintext.parser.js';

export { csvParser, htmlTableParser, jsonParser, plaintextParser };
export { detectParser } from './detect-parser.js';
export { parsePlaintextStream } from './plaintext-stream.js';
export type { StreamedParse } from './plaintext-stream.js';
export { CompactCandidates } from './core/compact-candidates.js';

/**
 * The built-in parsers in auto-detection order: the most self-describing formats first, plaintext (the
 * loosest) last, so a CSV or HTML page is never claimed as a list of lines.
 */
export const builtinParsers: readonly SourceParser[] = Object.freeze([
  jsonParser,
  csvParser,
  htmlTableParser,
  plaintextParser,
]);
