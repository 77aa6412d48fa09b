/** What the semaphore asks before it starts a task. */
export interface Admission {
  /** Whether a new task may start now, `inFlight` running. */
  isOpen(inFlight: number): boolean;
  /** Called when admission may let more in: after a pause, or as its limit grows. */
  onOpen(listener: () => void): void;
}

export interface EventLoopAdmissionOptions {
  /** New validations wait while the event loop runs this far behind (0: never). */
  thresholdMs: number;
  /** How often the sampler timer runs; its lateness is the event-loop delay. */
  sampleEveryMs?: number;
  /** Validations the admission allows in flight at first and at least. */
  minimumLimit?: number;
}

/** Growth of the allowed validations in flight per sample that saw the loop keep up with the limit reached. */
const GROWTH = 1.1;
/** What is left of the allowed validations in flight after a sample that saw the loop behind. */
const BACK_OFF = 0.7;

/**
 * Admits new validations only while the event loop keeps up. A saturated checker (thousands of validations in
 * flight) runs its callbacks seconds late, and a healthy proxy's connect or total timeout then expires while its
 * answer waits for the CPU: the sweep bench recorded up to 7,993 of 30,000 healthy proxies as failed that way.
 * Validations already running continue; new ones wait until the delay falls back under the threshold.
 *
 * The delay is the lateness of a sampler timer, and also how overdue that timer is now: a stall is seen while
 * it lasts (a burst of completions handing their slots on), not only after it ended.
 *
 * The delay shows only after the work that caused it: starting validations is cheap, their answers are not. Judged
 * by the delay alone, a surge of jobs is all let in before the first stall. So the validations allowed in flight
 * also grow step by step (by GROWTH at each sample that saw the loop keep up while the limit held some back) and
 * shrink (by BACK_OFF) at each sample that saw it behind: the checker finds the concurrency its CPU keeps up with.
 */
export class EventLoopAdmission implements Admission {
  private readonly sampleEveryMs: number;
  private lastTickAt = performance.now();
  private lastDelayMs = 0;
  private pausedSince: number | undefined;
  private pausedMsTotal = 0;
  private pauseCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<() => void> = [];
  private readonly minimumLimit: number;
  private allowed: number;
  private limitReached = false;

  constructor(private readonly options: EventLoopAdmissionOptions) {
    this.sampleEveryMs = options.sampleEveryMs ?? 20;
    this.minimumLimit = options.minimumLimit ?? 10;
    this.allowed = this.minimumLimit;
  }

  get enabled(): boolean {
    return this.options.thresholdMs > 0;
  }

  start(): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.lastTickAt = performance.now();
    this.timer = setInterval(() => this.sample(), this.sampleEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.resume(performance.now());
    this.notifyOpen();
  }

  /** How far behind the event loop runs now, in milliseconds. */
  get delayMs(): number {
    if (this.timer === undefined) return 0;
    return Math.max(this.lastDelayMs, this.overdueMs(performance.now()));
  }

  /** Validations allowed in flight now. */
  get limit(): number {
    return Math.floor(this.allowed);
  }

  /** Times admission paused since start. */
  get pauses(): number {
    return this.pauseCount;
  }

  /** Milliseconds admission was paused since start, the current pause included. */
  get pausedMs(): number {
    const current = this.pausedSince === undefined ? 0 : performance.now() - this.pausedSince;
    return this.pausedMsTotal + current;
  }

  isOpen(inFlight: number): boolean {
    if (this.timer === undefined) return true;
    if (this.pausedSince !== undefined) return false;
    if (inFlight >= this.allowed) {
      this.limitReached = true;
      return false;
    }
    const now = performance.now();
    if (this.overdueMs(now) < this.options.thresholdMs) return true;
    this.pause(now);
    return false;
  }

  onOpen(listener: () => void): void {
    this.listeners.push(listener);
  }

  private sample(): void {
    const now = performance.now();
    this.lastDelayMs = this.overdueMs(now);
    this.lastTickAt = now;
    if (this.lastDelayMs >= this.options.thresholdMs) {
      this.allowed = Math.max(this.minimumLimit, this.allowed * BACK_OFF);
      this.pause(now);
    } else {
      if (this.limitReached) this.allowed = this.allowed * GROWTH + 1;
      this.limitReached = false;
      this.resume(now);
      this.notifyOpen();
    }
  }

  private overdueMs(now: number): number {
    return Math.max(0, now - this.lastTickAt - this.sampleEveryMs);
  }

  private pause(now: number): void {
    if (this.pausedSince !== undefined) return;
    this.pausedSince = now;
    this.pauseCount += 1;
  }

  private resume(now: number): void {
    if (this.pausedSince === undefined) return;
    this.pausedMsTotal += now - this.pausedSince;
    this.pausedSince = undefined;
  }

  private notifyOpen(): void {
    for (const listener of this.listeners) listener();
  }
}
