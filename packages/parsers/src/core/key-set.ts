const EMPTY = -1;
const INITIAL_CAPACITY = 4096;

/**
 * A set of (ipv4, low) integer pairs in open-addressing typed arrays. De-duplicating half a million entries
 * this way allocates nothing per key, where a `Set<number>` boxes every key above 2^30.
 */
export class KeySet {
  private ips = new Uint32Array(INITIAL_CAPACITY);
  private lows = new Int32Array(INITIAL_CAPACITY).fill(EMPTY);
  private size = 0;

  /** Adds the pair (`low` must be ≥ 0); false when it was already present. */
  add(ip: number, low: number): boolean {
    const mask = this.lows.length - 1;
    let slot = (Math.imul(ip ^ Math.imul(low, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
    for (let stored = this.lows[slot]; stored !== EMPTY; stored = this.lows[slot]) {
      if (stored === low && this.ips[slot] === ip) return false;
      slot = (slot + 1) & mask;
    }
    this.ips[slot] = ip;
    this.lows[slot] = low;
    this.size++;
    if (this.size * 2 > this.lows.length) this.grow();
    return true;
  }

  private grow(): void {
    const { ips, lows } = this;
    this.ips = new Uint32Array(lows.length * 2);
    this.lows = new Int32Array(lows.length * 2).fill(EMPTY);
    this.size = 0;
    for (let slot = 0; slot < lows.length; slot++) {
      const low = lows[slot] ?? EMPTY;
      if (low !== EMPTY) this.add(ips[slot] ?? 0, low);
    }
  }
}
