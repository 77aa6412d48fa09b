import { CronExpressionParser } from 'cron-parser';
import { builtinParsers } from '@proxy-pool/parsers';
import { PROXY_PROTOCOLS, type ProxyProtocol, type SourceParser } from '@proxy-pool/plugin-contracts';
import { SOURCE_SCHEDULE_TZ } from '@proxy-pool/queues';

/**
 * The rules every new source follows, whoever adds it (`POST /sources`, the catalog import). Each check
 * answers a problem in plain words, or null; callers turn problems into their own errors.
 */

/** The parsers a source may name and auto-detection asks, in detection order (the scraper registers the same list). */
export const SOURCE_PARSERS: readonly SourceParser[] = builtinParsers;

/** A 5-field cron line (6 with seconds) or an `@daily`-style alias that cron-parser accepts, read in UTC. */
export function cronProblem(expression: string): string | null {
  const trimmed = expression.trim();
  const fields = trimmed.split(/\s+/).length;
  if (!trimmed.startsWith('@') && (fields < 5 || fields > 6)) {
    return `expected 5 fields (minute hour day month weekday) or 6 with seconds, got ${fields}`;
  }
  try {
    CronExpressionParser.parse(expression, { tz: SOURCE_SCHEDULE_TZ });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function parserProblem(name: string): string | null {
  if (SOURCE_PARSERS.some((parser) => parser.name === name)) return null;
  return `unknown parser "${name}"; registered: ${SOURCE_PARSERS.map((parser) => parser.name).join(', ')}`;
}

/** How path words name protocols (`socks5h`, `socks4a` as lists write them). */
const PROTOCOL_WORDS: ReadonlyMap<string, ProxyProtocol> = new Map([
  ...PROXY_PROTOCOLS.map((protocol) => [protocol, protocol] as const),
  ['socks4a', 'socks4'],
  ['socks5h', 'socks5'],
]);

/**
 * The protocol a list's URL path names, for sources added without `default_protocol`: the last path segment
 * that names one decides (`/socks5.txt`, `/proxies/socks4/`, `/SOCKS5_RAW.txt`, `/proxies-https.txt`, the
 * `socks5_list` repository of `/hookzof/socks5_list/master/proxy.txt`). A segment naming two
 * (`proxies-http+https.txt`) decides nothing; neither do the query string and the host.
 */
export function protocolFromUrlPath(url: string): ProxyProtocol | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  const segments = pathname.toLowerCase().split('/').reverse();
  for (const segment of segments) {
    const named = new Set(
      segment
        .split(/[^a-z0-9]+/)
        .map((word) => PROTOCOL_WORDS.get(word))
        .filter((protocol) => protocol !== undefined),
    );
    if (named.size === 1) return [...named][0]!;
    if (named.size > 1) return null;
  }
  return null;
}
