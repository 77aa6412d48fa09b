import type { Socket } from 'node:net';

/** Reads a socket's first bytes in exact pieces (for hand-written handshakes), then hands the rest back. */
export class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.once('close', this.onEnd);
  }

  async exactly(length: number): Promise<Buffer> {
    await this.until(() => this.buffered.length >= length);
    const piece = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return piece;
  }

  /** Bytes up to (not including) the next NUL, which is consumed. */
  async nulTerminated(maxLength = 512): Promise<Buffer> {
    await this.until(() => this.buffered.includes(0) || this.buffered.length > maxLength);
    const end = this.buffered.indexOf(0);
    if (end < 0) throw new Error('NUL-terminated field too long');
    const piece = this.buffered.subarray(0, end);
    this.buffered = this.buffered.subarray(end + 1);
    return piece;
  }

  /** Stops reading and returns whatever arrived beyond the handshake. */
  release(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onEnd);
    this.socket.pause();
    return this.buffered;
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.ended) throw new Error('socket closed during handshake');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.wake();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
