import { learnOwnIp } from '@proxy-pool/checkers';
import type { Logger } from '@proxy-pool/logger';
import { isPublicAddress } from '@proxy-pool/ssrf';
import { privateJudgeProblem } from './public-judge.js';

export interface OwnIpOptions {
  judgeUrl: string;
  secret: string;
  refreshMs: number;
  logger: Logger;
  /**
   * Off (production): a non-public address from a judge at a public address is refused, not remembered. It means
   * the request never left the local network (a load balancer address the node routes internally, a hairpin NAT),
   * so it is not the address proxies see, and anonymity verdicts built on it would be wrong. A judge at a private
   * address (a single machine's own API) proves nothing either way and is taken at its word.
   */
  allowPrivate?: boolean;
  /** Whether JUDGE_URL resolves to public addresses only (default: resolved through DNS at each refresh). */
  judgeIsPublic?: () => Promise<boolean>;
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
      const address = await learnOwnIp(this.options.judgeUrl, {
        secret: this.options.secret,
        timeoutMs: this.options.timeoutMs ?? 5_000,
      });
      if (this.options.allowPrivate === false && !isPublicAddress(address) && (await this.judgeIsPublic())) {
        throw new Error(
          `the judge saw this checker as ${address}, a private address: requests to JUDGE_URL must leave the local network through the same egress as proxy checks`,
        );
      }
      if (this.addresses[0] !== address)
        this.options.logger.info('own public IP learnt from the judge', { ip: address });
      this.addresses = [address, ...this.addresses.filter((known) => known !== address)].slice(0, REMEMBERED);
      this.markLearnt();
      this.schedule(this.options.refreshMs);
    } catch (error) {
      this.options.logger.warn('cannot learn own public IP from the judge', {
        judge_url: this.options.judgeUrl,
        error: (error as Error).message,
      });
      this.schedule(this.known ? this.options.refreshMs : (this.options.retryMs ?? 2_000));
    }
  }

  private judgeIsPublic(): Promise<boolean> {
    if (this.options.judgeIsPublic) return this.options.judgeIsPublic();
    return privateJudgeProblem(this.options.judgeUrl, false).then((problem) => problem === undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh(), delayMs);
    this.timer.unref();
  }
}
