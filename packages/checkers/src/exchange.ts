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

const EMPTY = Buffer.alloc(0);

/**
 * One conversation over one raw socket (optionally upgraded to TLS), bounded by a connect timeout, a total
 * timeout, an abort signal and a byte cap. Every failure becomes a CheckFailure with a precise message.
 */
export class Exchange {
  readonly startedAt = performance.now();
  private socket: Socket | undefined;
  /** The TCP socket under a TLS one, destroyed with it. */
  private tcpSocket: Socket | undefined;
  private buffer: Buffer = EMPTY;
  private ended = false;
  private phase = 'connect';
  private failure: CheckFailure | undefined;
  /** Set by close(): the sockets' own 'close' events after it are the end of a finished exchange, not failures. */
  private closed = false;
  private waiter: { reject(error: CheckFailure): void; retry(): void } | undefined;
  private readonly totalTimer: NodeJS.Timeout;
  private readonly unwatchAbort: () => void;

  constructor(private readonly limits: ExchangeLimits) {
    this.totalTimer = setTimeout(
      () => this.fail(`timeout after ${limits.totalTimeoutMs}ms waiting for ${this.phase}`),
      limits.totalTimeoutMs,
    );
    this.unwatchAbort = watchAbort(limits.signal, () => this.fail('aborted'));
    if (limits.signal.aborted) this.fail('aborted');
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  connect(host: string, port: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const socket = netConnect({ host, port, noDelay: true });
    this.attach(socket);
    const timer = setTimeout(
      () => this.fail(`connect timeout after ${this.limits.connectTimeoutMs}ms`),
      this.limits.connectTimeoutMs,
    );
    return this.wait(() => !socket.connecting).finally(() => clearTimeout(timer));
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
    let secured = false;
    const secure = tlsConnect({
      socket: raw,
      host,
      servername: isIP(host) === 0 ? host : undefined,
      ca,
      rejectUnauthorized: options.verify ?? true,
    });
    secure.once('secureConnect', () => {
      secured = true;
    });
    this.attach(secure);
    await this.wait(() => secured);
    return secure.getPeerCertificate();
  }

  write(data: string | Buffer): void {
    this.socket?.write(data);
  }

  async read<T>(phase: string, parse: Parse<T>): Promise<T> {
    this.phase = phase;
    let outcome: { value: T } | undefined;
    await this.wait(() => {
      const parsed = parse(this.buffer, this.ended);
      if (parsed === undefined) {
        if (this.buffer.length > this.limits.maxBytes)
          throw new CheckFailure(`${phase} exceeds ${this.limits.maxBytes} bytes`);
        if (this.ended)
          throw new CheckFailure(`connection closed while waiting for ${phase} (${this.buffer.length} bytes received)`);
        return false;
      }
      this.buffer = this.buffer.subarray(parsed.used);
      outcome = { value: parsed.value };
      return true;
    });
    if (outcome === undefined) throw new CheckFailure(`no ${phase}`);
    return outcome.value;
  }

  /** Bytes received but not consumed yet. */
  pendingBytes(): number {
    return this.buffer.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.totalTimer);
    this.unwatchAbort();
    this.destroySockets();
  }

  private destroySockets(): void {
    this.socket?.destroy();
    this.tcpSocket?.destroy();
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.waiter?.retry();
    });
    socket.on('end', () => {
      this.ended = true;
      this.waiter?.retry();
    });
    socket.on('connect', () => this.waiter?.retry());
    socket.on('secureConnect', () => this.waiter?.retry());
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(
        this.phase === 'connect'
          ? describeSocketError(error)
          : `${describeSocketError(error)} while waiting for ${this.phase}`,
      ),
    );
    socket.on('close', () => this.fail(`connection closed while waiting for ${this.phase}`));
  }

  /** Resolves once `ready()` is true, re-checking on every socket event; rejects on the first failure. */
  private wait(ready: () => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        try {
          if (this.failure !== undefined) settle(() => reject(this.failure));
          else if (ready()) settle(resolve);
        } catch (error) {
          this.fail(failureDetail(error));
        }
      };
      const settle = (done: () => void): void => {
        this.waiter = undefined;
        done();
      };
      this.waiter = { reject: (error) => settle(() => reject(error)), retry: check };
      check();
    });
  }

  private fail(detail: string): void {
    if (this.failure !== undefined || this.closed) return;
    this.failure = new CheckFailure(detail);
    this.destroySockets();
    this.waiter?.reject(this.failure);
  }
}
