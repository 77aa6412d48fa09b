import { looksLikeIPv4, looksLikePort } from './address.js';
import { parseProxyToken } from './proxy-token.js';
import type { RawEntry } from './raw-entry.js';

/** What a column (CSV, HTML table) or a key (JSON object) holds. */
export type FieldRole =
  | 'ip'
  | 'port'
  | 'hostPort'
  | 'protocol'
  | 'https'
  | 'username'
  | 'password'
  | 'country'
  | 'anonymity';

export type FieldValues = Partial<Record<FieldRole, string>>;

const NAMES_BY_ROLE: Record<FieldRole, readonly string[]> = {
  ip: ['ip', 'ipaddress', 'ipaddr', 'ipv4', 'host', 'address', 'proxyip', 'proxyhost', 'server'],
  port: ['port', 'proxyport'],
  hostPort: ['proxy', 'ipport', 'proxyaddress', 'hostport'],
  protocol: ['protocol', 'protocols', 'type', 'scheme', 'proxytype', 'proxyprotocol'],
  https: ['https'],
  username: ['username', 'user', 'login', 'proxyuser'],
  password: ['password', 'pass', 'proxypass'],
  country: ['countrycode', 'code', 'country'],
  anonymity: ['anonymity', 'anonymitylevel'],
};

/** Column names and JSON keys, compared lower-cased with everything but letters and digits removed. */
const ROLE_BY_NAME: ReadonlyMap<string, FieldRole> = new Map(
  (Object.entries(NAMES_BY_ROLE) as [FieldRole, readonly string[]][]).flatMap(([role, names]) =>
    names.map((name) => [name, role] as const),
  ),
);

export function roleOfName(name: string): FieldRole | undefined {
  return ROLE_BY_NAME.get(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** Maps header cells to roles by position; the first column claiming a role keeps it. */
export function rolesOfHeader(cells: readonly string[]): Map<number, FieldRole> | null {
  const roles = new Map<number, FieldRole>();
  const taken = new Set<FieldRole>();
  cells.forEach((cell, index) => {
    const role = roleOfName(cell);
    if (role !== undefined && !taken.has(role)) {
      roles.set(index, role);
      taken.add(role);
    }
  });
  const addressable = (taken.has('ip') && taken.has('port')) || taken.has('hostPort');
  return addressable ? roles : null;
}

export function valuesOfRow(cells: readonly string[], roles: ReadonlyMap<number, FieldRole>): FieldValues {
  const values: FieldValues = {};
  for (const [index, role] of roles) {
    const cell = cells[index]?.trim();
    if (cell) values[role] = cell;
  }
  return values;
}

function protocolOfHttpsFlag(flag: string | undefined): string | undefined {
  const value = flag?.toLowerCase();
  if (value === 'yes' || value === 'true' || value === '1' || value === '+') return 'https';
  if (value === 'no' || value === 'false' || value === '0' || value === '-') return 'http';
  return undefined;
}

/** Builds an entry from named fields; null when there is no address at all. */
export function entryOfFields(values: FieldValues): RawEntry | null {
  let base: RawEntry | null;
  if (values.ip !== undefined && values.port !== undefined) base = { host: values.ip, port: values.port };
  else {
    const token = values.hostPort ?? values.ip;
    base = token === undefined ? null : parseProxyToken(token);
  }
  if (base === null) return null;
  const tags: Record<string, string> = {};
  if (values.country) tags.country = values.country;
  if (values.anonymity) tags.anonymity = values.anonymity;
  return {
    host: base.host,
    port: base.port,
    protocol: values.protocol ?? base.protocol ?? protocolOfHttpsFlag(values.https),
    username: values.username ?? base.username,
    password: values.password ?? base.password,
    tags,
  };
}

/** Detection helper: the fields name an IPv4-shaped address and a port. */
export function looksLikeEntry(values: FieldValues): boolean {
  const entry = entryOfFields(values);
  return entry !== null && looksLikeIPv4(entry.host.trim()) && looksLikePort(String(entry.port).trim());
}
