import type { Socket } from 'node:net';
import { UpstreamFailure } from './upstream-failure.js';

/** Consumes a complete message from the front of `buffer`, or returns undefined to wait for more bytes. */
export type Parse<T> = (buffer: Buffer) => { value: T; used: number } | undefined;

export const bytes =
  (count: number): Parse<Buffer> =>
  (buffer) =>
    buffer.length >= count ? { value: buffer.subarray(0, count), used: count } : undefined;

const MAX_HANDSHAKE_BYTES = 16 * 1024;

/**
 * Reads handshake replies off a socket until the caller hands the socket over (`release`): whatever arrived
 * past the last reply is returned then, to be passed on before the socket is relayed.
 */
export class SocketReader {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private problem: UpstreamFailure | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.waiter?.();
  };
  private readonly onEnd = (): void =>
    this.fail(new UpstreamFailure('handshake', 'upstream closed the connection during the handshake'));

  /** `fromDataEvents` false: the socket reads through `onread`, whose bytes come in through `push`. */
  constructor(
    private readonly socket: Socket,
    fromDataEvents = true,
  ) {
    if (fromDataEvents) socket.on('data', this.onData);
    socket.once('end', this.onEnd);
  }

  push(chunk: Buffer): void {
    this.onData(chunk);
  }

  fail(problem: UpstreamFailure): void {
    this.problem ??= problem;
    this.waiter?.();
  }

  read<T>(what: string, parse: Parse<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        if (this.problem !== undefined) {
          this.waiter = undefined;
          reject(this.problem);
          return;
        }
        const parsed = parse(this.buffer);
        if (parsed !== undefined) {
          this.waiter = undefined;
          this.buffer = this.buffer.subarray(parsed.used);
          resolve(parsed.value);
        } else if (this.buffer.length > MAX_HANDSHAKE_BYTES) {
          this.waiter = undefined;
          reject(new UpstreamFailure('handshake', `${what} exceeds ${MAX_HANDSHAKE_BYTES} bytes`));
        }
      };
      this.waiter = check;
      check();
    });
  }

  release(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.pause();
    return this.buffer;
  }
}
