import { isIP, connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { watchAbort } from './abort-watch.js';
import { CheckFailure, describeSocketError, failureDetail } from './check-failure.js';

/** Consumes a complete message from the front of `buffer`, or returns undefined to wait for more bytes. */
export type Parse<T> = (buffer: Buffer, ended: boolean) => { value: T; used: number } | undefined;

export interface ExchangeLimits {
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
}

/** What the pending wait needs before it resolves: the TCP connect, the TLS handshake, or a parsed message. */
type Awaiting = 'connect' | 'secure' | Parse<unknown>;

const EMPTY = Buffer.alloc(0);

/**
 * One conversation over one raw socket (optionally upgraded to TLS), bounded by a connect timeout, a total
 * timeout, an abort signal and a byte cap. Every failure becomes a CheckFailure with a precise message.
 *
 * Every validation runs two of these, so they are kept cheap (`bench:checker` measures the checker's CPU per
 * validation against bare sockets): one wait at a time held in fields rather than closures made per wait, and
 * one timer at a time — the connect timeout while connecting, then the total timeout, armed only once something
 * waits after the connect (a connect-only exchange never arms it). The deadline stays `totalTimeoutMs` from the
 * start either way.
 */
export class Exchange {
  readonly startedAt = performance.now();
  private socket: Socket | undefined;
  /** The TCP socket under a TLS one, destroyed with it. */
  private tcpSocket: Socket | undefined;
  private buffer: Buffer = EMPTY;
  private ended = false;
  private secured = false;
  private phase = 'connect';
  private failure: CheckFailure | undefined;
  /** Set by close(): the sockets' own 'close' events after it are the end of a finished exchange, not failures. */
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private awaiting: Awaiting | undefined;
  private resolveWait: ((value: unknown) => void) | undefined;
  private rejectWait: ((error: CheckFailure) => void) | undefined;
  private readonly unwatchAbort: () => void;

  constructor(private readonly limits: ExchangeLimits) {
    this.unwatchAbort = watchAbort(limits.signal, () => this.fail('aborted'));
    if (limits.signal.aborted) this.fail('aborted');
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /** `noDelay: false` for a connection that sends nothing (a bare connect check): one system call fewer. */
  connect(host: string, port: number, options: { noDelay?: boolean } = {}): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const socket = netConnect({ host, port, noDelay: options.noDelay ?? true });
    this.attach(socket);
    socket.on('connect', () => {
      // The connect timer is done; the total timeout is armed by the next wait, if any.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.progress();
    });
    const totalLeft = this.totalLeftMs();
    const { connectTimeoutMs } = this.limits;
    clearTimeout(this.timer);
    this.timer =
      connectTimeoutMs < totalLeft
        ? setTimeout(() => this.fail(`connect timeout after ${connectTimeoutMs}ms`), connectTimeoutMs)
        : this.totalTimer(totalLeft);
    return this.wait('connect') as Promise<void>;
  }

  /**
   * Wraps the connection in TLS (for an https judge behind a tunnel); `ca` trusts a private certificate. With
   * `verify: false` any certificate is accepted (the caller compares it with a pin). Resolves with the
   * certificate the peer proved it holds the key of.
   */
  async startTls(
    host: string,
    ca: string | Buffer | undefined,
    options: { verify?: boolean } = {},
  ): Promise<PeerCertificate> {
    const raw = this.socket;
    if (raw === undefined) throw new CheckFailure('not connected');
    if (this.buffer.length > 0) throw new CheckFailure(`unexpected ${this.buffer.length} bytes before TLS handshake`);
    raw.removeAllListeners('data').removeAllListeners('end');
    this.tcpSocket = raw;
    this.phase = 'TLS handshake with the judge';
    const secure = tlsConnect({
      socket: raw,
      host,
      servername: isIP(host) === 0 ? host : undefined,
      ca,
      rejectUnauthorized: options.verify ?? true,
    });
    secure.once('secureConnect', () => {
      this.secured = true;
      this.progress();
    });
    this.attach(secure);
    await this.wait('secure');
    return secure.getPeerCertificate();
  }

  write(data: string | Buffer): void {
    this.socket?.write(data);
  }

  read<T>(phase: string, parse: Parse<T>): Promise<T> {
    this.phase = phase;
    return this.wait(parse) as Promise<T>;
  }

  /** Bytes received but not consumed yet. */
  pendingBytes(): number {
    return this.buffer.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.unwatchAbort();
    this.destroySockets();
  }

  private totalLeftMs(): number {
    return Math.max(0, Math.round(this.startedAt + this.limits.totalTimeoutMs - performance.now()));
  }

  private totalTimer(leftMs: number): NodeJS.Timeout {
    return setTimeout(
      () => this.fail(`timeout after ${this.limits.totalTimeoutMs}ms waiting for ${this.phase}`),
      leftMs,
    );
  }

  private destroySockets(): void {
    this.socket?.destroy();
    this.tcpSocket?.destroy();
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.progress();
    });
    socket.on('end', () => {
      this.ended = true;
      this.progress();
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(
        this.phase === 'connect'
          ? describeSocketError(error)
          : `${describeSocketError(error)} while waiting for ${this.phase}`,
      ),
    );
    socket.on('close', () => this.fail(`connection closed while waiting for ${this.phase}`));
  }

  /** Waits until `awaiting` is satisfied, re-checked at every socket event; rejects on the first failure. */
  private wait(awaiting: Awaiting): Promise<unknown> {
    if (this.timer === undefined && this.failure === undefined) this.timer = this.totalTimer(this.totalLeftMs());
    return new Promise<unknown>((resolve, reject) => {
      this.awaiting = awaiting;
      this.resolveWait = resolve;
      this.rejectWait = reject;
      this.progress();
    });
  }

  /** Settles the pending wait if what it awaits is there now (or the exchange failed). */
  private progress(): void {
    const resolve = this.resolveWait;
    if (resolve === undefined) return;
    if (this.failure !== undefined) {
      this.rejectPending(this.failure);
      return;
    }
    let value: unknown;
    try {
      const awaiting = this.awaiting;
      if (awaiting === 'connect') {
        if (this.socket?.connecting !== false) return;
      } else if (awaiting === 'secure') {
        if (!this.secured) return;
      } else if (awaiting !== undefined) {
        const parsed = awaiting(this.buffer, this.ended);
        if (parsed === undefined) {
          if (this.buffer.length > this.limits.maxBytes)
            throw new CheckFailure(`${this.phase} exceeds ${this.limits.maxBytes} bytes`);
          if (this.ended)
            throw new CheckFailure(
              `connection closed while waiting for ${this.phase} (${this.buffer.length} bytes received)`,
            );
          return;
        }
        this.buffer = this.buffer.subarray(parsed.used);
        value = parsed.value;
      }
    } catch (error) {
      this.fail(failureDetail(error));
      return;
    }
    this.awaiting = undefined;
    this.resolveWait = undefined;
    this.rejectWait = undefined;
    resolve(value);
  }

  private rejectPending(error: CheckFailure): void {
    const reject = this.rejectWait;
    this.awaiting = undefined;
    this.resolveWait = undefined;
    this.rejectWait = undefined;
    reject?.(error);
  }

  private fail(detail: string): void {
    if (this.failure !== undefined || this.closed) return;
    this.failure = new CheckFailure(detail);
    clearTimeout(this.timer);
    this.destroySockets();
    this.rejectPending(this.failure);
  }
}
