import { request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { TunnelBytes } from '../relay/tunnel.js';
import type { DialedSocket } from '../upstream/dial.js';
import type { ForwardAgent } from '../upstream/forward-agent.js';
import type { Upstream } from '../upstream/upstream.js';
import { UpstreamFailure } from '../upstream/upstream-failure.js';

/** A plain request as the gateway sends it on to an upstream. */
export interface OutgoingPlainRequest {
  method: string;
  /** The absolute URI for an `http` proxy, the path inside a tunnel. */
  path: string;
  headers: OutgoingHttpHeaders;
  /** The client's body, streamed once (never sent twice). */
  body: IncomingMessage | undefined;
  responseTimeoutMs: number;
  /** Told each answer's status: `rotate` drops the answer and sends the request to another proxy. */
  answered(status: number): 'relay' | 'rotate';
}

/** An upstream's answer to relay, with the bytes of the exchange and how to let go of its connection. */
export interface UpstreamAnswer {
  response: IncomingMessage;
  /** The request and its answer on the upstream connection (not the upstream's handshake). */
  bytes(): TunnelBytes;
  /** The answer was relayed (or the client left): the connection is closed, or kept when it is pooled and clean. */
  release(): void;
}

/** A kept connection the proxy had closed: the request never reached an answer and may go again on a new one. */
export class StaleConnection extends Error {
  override readonly name = 'StaleConnection';
}

/** Sends the request on a connection of its own (dialed, maybe a tunnel), closed after the answer. */
export async function sendOnDialed(dialed: DialedSocket, plain: OutgoingPlainRequest): Promise<UpstreamAnswer> {
  const { socket, head } = dialed;
  if (head.length > 0) socket.unshift(head);
  const start = { read: socket.bytesRead - head.length, written: socket.bytesWritten };
  const outgoing = httpRequest({
    createConnection: () => socket.resume(),
    method: plain.method,
    path: plain.path,
    headers: { ...plain.headers, connection: 'close' },
    setHost: false,
  });
  try {
    const response = await answerOf(outgoing, plain, () => undefined);
    return {
      response,
      bytes: () => ({ bytesIn: socket.bytesWritten - start.written, bytesOut: socket.bytesRead - start.read }),
      release: () => socket.destroy(),
    };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/**
 * Sends a request without a body to an `http` proxy on a kept connection (a new one when none is idle). A kept
 * connection the proxy closed meanwhile fails with StaleConnection before anything was answered: the caller
 * sends again on a connection of its own, which only requests safe to repeat may do.
 */
export async function sendPooled(
  agent: ForwardAgent,
  upstream: Upstream,
  plain: OutgoingPlainRequest,
): Promise<UpstreamAnswer> {
  const outgoing = httpRequest({
    agent,
    host: upstream.ip,
    port: upstream.port,
    method: plain.method,
    path: plain.path,
    headers: plain.headers,
    setHost: false,
  });
  let start = { read: 0, written: 0 };
  let socket: Socket | undefined;
  outgoing.once('socket', (assigned: Socket) => {
    socket = assigned;
    start = { read: assigned.bytesRead, written: assigned.bytesWritten };
  });
  const response = await answerOf(outgoing, plain, (error) => {
    if (outgoing.reusedSocket) return new StaleConnection(error.message);
    if (error instanceof UpstreamFailure) return error;
    if (!agent.wasConnected(outgoing.socket))
      return new UpstreamFailure(
        'connect',
        `upstream unreachable: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
      );
    return undefined;
  });
  // Frozen when the answer ends: the connection then goes back to the pool and carries other requests.
  let frozen: TunnelBytes | undefined;
  const now = (): TunnelBytes => ({
    bytesIn: (socket?.bytesWritten ?? 0) - start.written,
    bytesOut: (socket?.bytesRead ?? 0) - start.read,
  });
  response.once('end', () => {
    frozen = now();
  });
  return {
    response,
    bytes: () => frozen ?? now(),
    release: () => {
      // An answer not read to its end leaves the connection mid-message: it is closed, not kept.
      if (!response.complete) outgoing.destroy();
    },
  };
}

/**
 * The upstream's answer head, within the response timeout. A failure before it rotates the request
 * (UpstreamFailure: `classify`'s, else `handshake`, or `timeout`) unless the body was already sent: a body is
 * never sent twice, so that failure is the client's answer. An answer whose status rotates is drained and fails
 * as `status`.
 */
function answerOf(
  outgoing: ClientRequest,
  plain: OutgoingPlainRequest,
  classify: (error: Error) => Error | undefined,
): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    let settled = false;
    let sentBody = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error(`no response within ${plain.responseTimeoutMs} ms`));
    }, plain.responseTimeoutMs);
    // Kept for the request's life: an error after the answer head (a cut mid-body) reaches the relay through the
    // response, and must not be an unhandled 'error' here.
    outgoing.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (sentBody) reject(error);
      else if (timedOut) reject(new UpstreamFailure('timeout', error.message));
      else reject(classify(error) ?? new UpstreamFailure('handshake', `upstream failed the request: ${error.message}`));
    });
    outgoing.once('response', (response) => {
      if (settled) {
        response.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      const status = response.statusCode ?? 0;
      if (plain.answered(status) === 'rotate') {
        response.resume();
        reject(new UpstreamFailure('status', `upstream answered ${status}`));
        return;
      }
      resolve(response);
    });
    if (plain.body !== undefined) {
      sentBody = true;
      plain.body.pipe(outgoing);
    } else {
      outgoing.end();
    }
  });
}
