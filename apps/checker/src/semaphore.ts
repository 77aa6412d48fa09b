import type { Admission } from './admission.js';

/**
 * A counting semaphore shared by every job of the process: at most `limit` tasks run at once, the rest wait
 * in arrival order. The wait list is an array with a moving head, so tens of thousands of waiters cost O(1) each.
 * With an admission, a free slot is handed on only while the admission is open (one task always may run, so a
 * pause never stops the process outright); when it opens again the waiters fill the free slots.
 */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private startsThisTurn = 0;
  private waiters: Array<() => void> = [];
  private head = 0;

  constructor(
    readonly limit: number,
    private readonly admission?: Admission,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`semaphore limit must be a positive integer, got ${limit}`);
    admission?.onOpen(() => this.admitWaiters());
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
    if (this.waiting === 0 && this.mayStart()) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private mayStart(): boolean {
    if (this.active >= this.limit) return false;
    if (this.admission === undefined || this.active === 0) return true;
    return this.startsThisTurn < ADMISSION_BURST && this.admission.isOpen(this.active);
  }

  private take(): void {
    this.active += 1;
    if (this.active > this.peak) this.peak = this.active;
    if (this.admission === undefined) return;
    // A task starts after the code that let it in has returned, so the admission sees what the starts of one turn
    // of the event loop cost only at the next: a turn starts at most ADMISSION_BURST, the rest wait for the next.
    if (this.startsThisTurn === 0) setImmediate(() => this.nextTurn());
    this.startsThisTurn += 1;
  }

  private nextTurn(): void {
    this.startsThisTurn = 0;
    this.admitWaiters();
  }

  private release(): void {
    this.active -= 1;
    this.admitWaiters();
  }

  private admitWaiters(): void {
    while (this.head < this.waiters.length && this.mayStart()) {
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

/** Tasks started in one turn of the event loop at most, when the semaphore has an admission. */
const ADMISSION_BURST = 100;

const noop = (): void => undefined;
