import type { ProxyProtocol } from './common.js';

/** One proxy as a source list states it, before any network check. */
export interface ProxyCandidate {
  ip: string;
  port: number;
  protocol: ProxyProtocol;
  username?: string;
  password?: string;
  tags?: Record<string, string>;
}

/** What a parser sees when asked whether it understands a body. */
export interface ParserSample {
  body: string;
  contentType?: string;
  url?: string;
}

export interface ParseContext {
  /** Protocol for entries that do not name one. */
  defaultProtocol: ProxyProtocol;
}

export interface ParseResult {
  proxies: ProxyCandidate[];
  /** Entries that looked like data but were invalid (bad address, bad port, junk). */
  skipped: number;
}

/** Turns the body of a source list into proxy candidates. Pure: no I/O. */
export interface SourceParser {
  readonly type: 'SourceParser';
  readonly name: string;
  /** True when this parser recognises the sample's format. Must be cheap and never throw. */
  supports(sample: ParserSample): boolean;
  parse(body: string, context: ParseContext): ParseResult;
}

export function defineParser(parser: Omit<SourceParser, 'type'>): SourceParser {
  if (!/^[a-z][a-z0-9_-]*$/.test(parser.name)) throw new Error(`invalid parser name: ${parser.name}`);
  return Object.freeze({ ...parser, type: 'SourceParser' as const });
}
