import type { Socket } from 'node:net';
import type { DialedSocket } from '../upstream/dial.js';

export interface TunnelBytes {
  /** Client to upstream. */
  bytesIn: number;
  /** Upstream to client. */
  bytesOut: number;
}

/**
 * Relays bytes both ways until either side closes (then the other is closed too), and reports what crossed.
 * The dialed `head` are bytes the upstream sent right after its handshake; `clientHead` bytes the client sent
 * early.
 */
export function relayTunnel(
  client: Socket,
  dialed: DialedSocket,
  clientHead: Buffer,
  onClose: (bytes: TunnelBytes) => void,
): void {
  const { socket: upstream, head, reads } = dialed;
  const readAtStart = upstream.bytesRead - head.length;
  const writtenAtStart = upstream.bytesWritten;
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    client.destroy();
    upstream.destroy();
    onClose({ bytesIn: upstream.bytesWritten - writtenAtStart, bytesOut: upstream.bytesRead - readAtStart });
  };
  client.setTimeout(0);
  client.on('error', finish).once('close', finish);
  upstream.on('error', finish).once('close', finish);
  if (head.length > 0) client.write(head);
  if (clientHead.length > 0) upstream.write(clientHead);
  client.pipe(upstream);
  if (reads) {
    reads.relayTo((chunk) => {
      client.write(chunk);
      return client.writableLength === 0;
    });
    client.on('drain', () => upstream.resume());
    upstream.once('end', () => client.end());
  } else {
    upstream.pipe(client);
  }
  upstream.resume();
  client.resume();
}
