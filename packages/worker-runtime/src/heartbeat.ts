/**
 * Liveness from activity: a worker is live while its event loop turns and it either processed a job
 * recently or is idle-waiting. A wedged event loop stops the heartbeat, and /healthz then fails.
 */
export class Heartbeat {
  private last = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly staleAfterMs = 60_000) {
    this.timer = setInterval(() => this.beat(), Math.min(5_000, staleAfterMs / 4));
    this.timer.unref();
  }

  beat(): void {
    this.last = Date.now();
  }

  isLive(): boolean {
    return Date.now() - this.last < this.staleAfterMs;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
