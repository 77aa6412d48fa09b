import { PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import type { ProxyCandidate } from '@proxy-pool/plugin-contracts';

const INITIAL_CAPACITY = 4096;

type Extras = Pick<ProxyCandidate, 'username' | 'password' | 'tags'>;

/**
 * Parsed candidates held as columns (address, port, protocol: 7 bytes each) instead of one object apiece, so
 * a million-line list costs a few MB until it is written; the rare entry with credentials or tags keeps
 * those beside it. Read back in batches of plain candidates.
 */
export class CompactCandidates {
  private ips = new Uint32Array(INITIAL_CAPACITY);
  private ports = new Uint16Array(INITIAL_CAPACITY);
  private protocols = new Uint8Array(INITIAL_CAPACITY);
  private readonly extras = new Map<number, Extras>();
  size = 0;

  add(candidate: ProxyCandidate, ipv4: number): void {
    if (this.size === this.ips.length) this.grow();
    this.ips[this.size] = ipv4;
    this.ports[this.size] = candidate.port;
    this.protocols[this.size] = PROXY_PROTOCOLS.indexOf(candidate.protocol);
    if (candidate.username || candidate.password || candidate.tags) {
      this.extras.set(this.size, { username: candidate.username, password: candidate.password, tags: candidate.tags });
    }
    this.size++;
  }

  /** The candidates in list order, `size` at a time. */
  *batches(size: number): Generator<ProxyCandidate[]> {
    for (let start = 0; start < this.size; start += size) {
      const batch: ProxyCandidate[] = [];
      for (let index = start; index < Math.min(start + size, this.size); index++) batch.push(this.at(index));
      yield batch;
    }
  }

  private at(index: number): ProxyCandidate {
    const ip = this.ips[index]!;
    const candidate: ProxyCandidate = {
      ip: `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`,
      port: this.ports[index]!,
      protocol: PROXY_PROTOCOLS[this.protocols[index]!]!,
    };
    const extras = this.extras.get(index);
    if (extras?.username) candidate.username = extras.username;
    if (extras?.password) candidate.password = extras.password;
    if (extras?.tags) candidate.tags = extras.tags;
    return candidate;
  }

  private grow(): void {
    const capacity = this.ips.length * 2;
    const ips = new Uint32Array(capacity);
    const ports = new Uint16Array(capacity);
    const protocols = new Uint8Array(capacity);
    ips.set(this.ips);
    ports.set(this.ports);
    protocols.set(this.protocols);
    this.ips = ips;
    this.ports = ports;
    this.protocols = protocols;
  }
}
