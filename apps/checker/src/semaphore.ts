/**
 * A counting semaphore shared by every job of the process: at most `limit` tasks run at once, the rest wait
 * in arrival order. The wait list is an array with a moving head, so tens of thousands of waiters cost O(1) each.
 */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private waiters: Array<() => void> = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.waiters.length - this.head;
  }

  /** The most tasks that ran at once since the last reset. */
  get maxInFlight(): number {
    return this.peak;
  }

  resetPeak(): void {
    this.peak = this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private take(): void {
    this.active += 1;
    if (this.active > this.peak) this.peak = this.active;
  }

  private release(): void {
    this.active -= 1;
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      this.waiters[this.head] = noop;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters = this.waiters.slice(this.head);
        this.head = 0;
      }
      this.take();
      next?.();
    }
  }
}

const noop = (): void => undefined;
