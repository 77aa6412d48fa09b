import { PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import type { ParseResult, ProxyCandidate, ProxyProtocol } from '@proxy-pool/plugin-contracts';
import { ipv4ToNumber, parsePort } from './address.js';
import { KeySet } from './key-set.js';
import { normalizeProtocol } from './protocol.js';
import type { RawEntry } from './raw-entry.js';

/**
 * Validates raw entries, drops duplicates (same ip, port, protocol: first one wins) and counts invalid
 * ones. Whether an address is public is not decided here: the scraper applies the SSRF policy.
 */
export class CandidateCollector {
  private readonly proxies: ProxyCandidate[] = [];
  private readonly seen = new KeySet();
  private skipped = 0;

  /**
   * With `onCandidate`, accepted candidates go there instead of being kept, so a streamed list can store them
   * compactly (`ipv4` is the address as a number).
   */
  constructor(
    private readonly defaultProtocol: ProxyProtocol,
    private readonly onCandidate?: (candidate: ProxyCandidate, ipv4: number) => void,
  ) {}

  /** Adds one entry; null (an entry that could not be read at all) counts as skipped. */
  add(entry: RawEntry | null): void {
    const host = entry?.host.trim() ?? '';
    const ip = ipv4ToNumber(host);
    const port = entry === null ? null : parsePort(typeof entry.port === 'string' ? entry.port.trim() : entry.port);
    const protocol = entry === null ? null : normalizeProtocol(entry.protocol, this.defaultProtocol);
    if (entry === null || ip === null || port === null || protocol === null) {
      this.skipped++;
      return;
    }
    if (!this.seen.add(ip, port * 4 + PROXY_PROTOCOLS.indexOf(protocol))) return;
    const candidate: ProxyCandidate = { ip: host, port, protocol };
    if (entry.username) candidate.username = entry.username;
    if (entry.password) candidate.password = entry.password;
    if (entry.tags && Object.keys(entry.tags).length > 0) candidate.tags = entry.tags;
    if (this.onCandidate) this.onCandidate(candidate, ip);
    else this.proxies.push(candidate);
  }

  skip(): void {
    this.skipped++;
  }

  result(): ParseResult {
    return { proxies: this.proxies, skipped: this.skipped };
  }
}
