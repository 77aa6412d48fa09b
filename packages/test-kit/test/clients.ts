import { request } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface SimpleResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET `path` from host:port (an absolute URI when talking to a proxy). */
export function get(
  host: string,
  port: number,
  path: string,
  headers: OutgoingHttpHeaders = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers: { Connection: 'close', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a TCP connection, or rejects with the socket error. */
export function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads until `count` bytes arrived, the socket closed, or `timeoutMs` passed; returns what came. */
export function readBytes(socket: Socket, count: number, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (): void => {
      clearTimeout(timer);
      socket.off('data', onData).off('close', finish);
      socket.pause();
      resolve(received);
    };
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= count) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', onData).once('close', finish);
    socket.resume();
  });
}

/** Sends a raw HTTP/1.0 GET on an established tunnel and returns the whole answer text. */
export async function getThroughTunnel(socket: Socket, path: string, host: string): Promise<string> {
  socket.write(`GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
  return (await readBytes(socket, Number.MAX_SAFE_INTEGER, 3000)).toString();
}
