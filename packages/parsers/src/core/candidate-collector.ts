import type { ParseResult, ProxyCandidate, ProxyProtocol } from '@proxy-pool/plugin-contracts';
import { parseIPv4, parsePort } from './address.js';
import { normalizeProtocol } from './protocol.js';
import type { RawEntry } from './raw-entry.js';

/**
 * Validates raw entries, drops duplicates (same ip, port, protocol: first one wins) and counts invalid
 * ones. Whether an address is public is not decided here: the scraper applies the SSRF policy.
 */
export class CandidateCollector {
  private readonly proxies: ProxyCandidate[] = [];
  private readonly seen = new Set<string>();
  private skipped = 0;

  constructor(private readonly defaultProtocol: ProxyProtocol) {}

  /** Adds one entry; null (an entry that could not be read at all) counts as skipped. */
  add(entry: RawEntry | null): void {
    const candidate = entry === null ? null : this.validate(entry);
    if (candidate === null) {
      this.skipped++;
      return;
    }
    const key = `${candidate.ip}:${candidate.port}:${candidate.protocol}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.proxies.push(candidate);
  }

  skip(): void {
    this.skipped++;
  }

  result(): ParseResult {
    return { proxies: this.proxies, skipped: this.skipped };
  }

  private validate(entry: RawEntry): ProxyCandidate | null {
    const ip = parseIPv4(entry.host.trim());
    const port = parsePort(typeof entry.port === 'string' ? entry.port.trim() : entry.port);
    const protocol = normalizeProtocol(entry.protocol, this.defaultProtocol);
    if (ip === null || port === null || protocol === null) return null;
    const candidate: ProxyCandidate = { ip, port, protocol };
    if (entry.username) candidate.username = entry.username;
    if (entry.password) candidate.password = entry.password;
    if (entry.tags && Object.keys(entry.tags).length > 0) candidate.tags = entry.tags;
    return candidate;
  }
}
