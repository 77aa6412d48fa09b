import type { Logger } from '@proxy-pool/logger';

export interface JudgePinsOptions {
  /** JUDGE_TLS_FINGERPRINT: fixed pins (a judge with its own certificate files, or running elsewhere). */
  configured: readonly string[];
  /** The fingerprint of the judge's stored, generated certificate, or undefined before a judge has made one. */
  readStored: () => Promise<string | undefined>;
  logger: Logger;
  /** Re-reads of a known pin (a replaced stored certificate is picked up this late at most). */
  refreshMs?: number;
  /** Re-reads while none is stored yet (the judge may start after the checker). */
  retryMs?: number;
}

/**
 * The certificate fingerprints the tls_integrity stage accepts as the judge's: the configured ones, or else
 * the one the judges share through the database, read at start and re-read periodically.
 */
export class JudgePins {
  private pins: readonly string[];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: JudgePinsOptions) {
    this.pins = options.configured;
  }

  readonly current = (): readonly string[] => this.pins;

  /** Reads the stored pin now (unless pins are configured) and keeps it fresh. */
  async start(): Promise<void> {
    if (this.options.configured.length > 0) return;
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    try {
      const stored = await this.options.readStored();
      if (stored !== undefined && stored !== this.pins[0]) {
        this.options.logger.info('judge TLS certificate pinned', { fingerprint: stored });
        this.pins = [stored];
      }
    } catch (error) {
      this.options.logger.warn('judge TLS certificate not read', { error: (error as Error).message });
    }
    if (this.stopped) return;
    const delay = this.pins.length > 0 ? (this.options.refreshMs ?? 600_000) : (this.options.retryMs ?? 30_000);
    this.timer = setTimeout(() => void this.refresh(), delay);
    this.timer.unref();
  }
}
