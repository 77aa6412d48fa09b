import type { ParserSample, SourceParser } from '@proxy-pool/plugin-contracts';

/** The first parser, in the given order, whose `supports()` claims the sample; null when none does. */
export function detectParser(parsers: readonly SourceParser[], sample: ParserSample): SourceParser | null {
  return (
    parsers.find((parser) => {
      try {
        return parser.supports(sample);
      } catch {
        // The contract says supports() never throws; a third-party parser that does simply does not claim.
        return false;
      }
    }) ?? null
  );
}
