import type { ProxyProtocol } from '../generated/client/index.js';
import type { ScrapedProxy } from './scrape.sql.js';

/**
 * A chunk of scraped proxies as columns (entry i of every array is one proxy): what the upsert statement sends,
 * built without an object per proxy.
 */
export interface ScrapedColumns {
  ips: string[];
  ports: number[];
  protocols: ProxyProtocol[];
  /** null where the list gives none. */
  usernames: Array<string | null>;
  passwords: Array<string | null>;
  /** The list's tags as JSON text, null when it gives none. */
  tags: Array<string | null>;
  /** The country the list states (ISO 3166-1 alpha-2), null when it states none. */
  countries: Array<string | null>;
}

export function emptyScrapedColumns(): ScrapedColumns {
  return { ips: [], ports: [], protocols: [], usernames: [], passwords: [], tags: [], countries: [] };
}

/** Appends one proxy to the columns. */
export function pushScrapedProxy(columns: ScrapedColumns, proxy: ScrapedProxy): void {
  columns.ips.push(proxy.ip);
  columns.ports.push(proxy.port);
  columns.protocols.push(proxy.protocol);
  columns.usernames.push(proxy.username ?? null);
  columns.passwords.push(proxy.password ?? null);
  // Untagged rows send NULL: most lists carry no tags, and NULL costs nothing to parse.
  columns.tags.push(proxy.tags && Object.keys(proxy.tags).length > 0 ? JSON.stringify(proxy.tags) : null);
  columns.countries.push(proxy.sourceCountry ?? null);
}

/** An address, port or protocol that an array literal holds as it is: no quoting, no escaping, not NULL. */
const PLAIN_ELEMENT = /^[0-9A-Za-z.:]+$/;
const isPlainElement = (value: string | number | null) =>
  value !== null && PLAIN_ELEMENT.test(String(value)) && String(value).toUpperCase() !== 'NULL';

/**
 * A column as the statement's array parameter. Addresses, ports and protocols (every proxy has them, none
 * needs quoting) go as one literal `{a,b,…}` joined at once, where node-postgres would quote and escape each
 * of the 5,000 elements one by one (measured: ~0.4 s of CPU per million-line scrape, and most of a statement's
 * garbage). A column with nothing in it (no list gave credentials, tags or a country: the common case) goes as
 * NULL, which `unnest` pads with NULLs. Anything else is left to node-postgres.
 */
export function arrayParameter(values: ReadonlyArray<string | number | null>): string | null | unknown[] {
  if (values.every((value) => value === null)) return null;
  if (values.every(isPlainElement)) return `{${values.join(',')}}`;
  return values as unknown[];
}
