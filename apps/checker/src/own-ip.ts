import { learnOwnIp } from '@proxy-pool/checkers';
import type { Logger } from '@proxy-pool/logger';
import { isPublicAddress } from '@proxy-pool/ssrf';

export interface OwnIpOptions {
  judgeUrl: string;
  secret: string;
  refreshMs: number;
  logger: Logger;
  /**
   * Off (production): a non-public address from the judge is refused, not remembered. It means the request never
   * left the local network (a judge URL inside the cluster, or a load balancer address the node routes internally),
   * so it is not the address proxies see, and anonymity verdicts built on it would be wrong.
   */
  allowPrivate?: boolean;
  /** Between failed attempts before the first success. */
  retryMs?: number;
  timeoutMs?: number;
}

/** How many distinct addresses are remembered: a host seen over IPv4 and IPv6, or across an address change. */
const REMEMBERED = 4;

/**
 * The checker's own public address(es), as the judge sees them when asked directly: learnt at start-up (retried
 * until the judge answers) and refreshed periodically. A proxy whose judge answer shows one of them is transparent.
 */
export class OwnIpTracker {
  private addresses: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private firstLearnt: Promise<void>;
  private markLearnt: () => void = () => undefined;

  constructor(private readonly options: OwnIpOptions) {
    this.firstLearnt = new Promise<void>((resolve) => {
      this.markLearnt = resolve;
    });
  }

  /** Known addresses, newest first. */
  readonly current = (): readonly string[] => this.addresses;

  get known(): boolean {
    return this.addresses.length > 0;
  }

  /** Starts learning; the promise resolves once the first address is known (or the tracker is stopped). */
  start(): Promise<void> {
    void this.refresh();
    return this.firstLearnt;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.markLearnt();
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    try {
      const address = await learnOwnIp(this.options.judgeUrl, { secret: this.options.secret, timeoutMs: this.options.timeoutMs ?? 5_000 });
      if (this.options.allowPrivate === false && !isPublicAddress(address)) {
        throw new Error(`the judge saw this checker as ${address}, a private address: requests to JUDGE_URL must leave the local network through the same egress as proxy checks`);
      }
      if (this.addresses[0] !== address) this.options.logger.info('own public IP learnt from the judge', { ip: address });
      this.addresses = [address, ...this.addresses.filter((known) => known !== address)].slice(0, REMEMBERED);
      this.markLearnt();
      this.schedule(this.options.refreshMs);
    } catch (error) {
      this.options.logger.warn('cannot learn own public IP from the judge', { judge_url: this.options.judgeUrl, error: (error as Error).message });
      this.schedule(this.known ? this.options.refreshMs : (this.options.retryMs ?? 2_000));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh(), delayMs);
    this.timer.unref();
  }
}
