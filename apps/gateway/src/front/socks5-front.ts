import type { Socket } from 'node:net';
import { GatewayError } from '../gateway-error.js';
import { routeThroughPool } from '../relay/route.js';
import { authenticate } from '../steering/authenticate.js';
import { bytes, SocketReader, type Parse } from '../upstream/socket-reader.js';
import { serveTunnel, type FrontContext } from './context.js';
import { outcomeOf } from './http-front.js';
import { asGatewayError } from './refusal.js';

const NO_AUTH = 0x00;
const USER_PASS = 0x02;
const NO_ACCEPTABLE = 0xff;

const lengthPrefixed: Parse<string> = (buffer) => {
  const length = buffer[0];
  if (length === undefined || buffer.length < 1 + length) return undefined;
  return { value: buffer.subarray(1, 1 + length).toString('utf8'), used: 1 + length };
};

function reply(code: number): Buffer {
  return Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
}

/**
 * SOCKS5 (RFC 1928) with username/password (RFC 1929): username = handle and parameters, password = API key.
 * An allowlisted client may use "no authentication". CONNECT only; a domain name is passed to the upstream
 * unresolved where its protocol allows (SOCKS5, SOCKS4a, CONNECT).
 */
export async function serveSocks5(context: FrontContext, socket: Socket): Promise<void> {
  socket.on('error', () => socket.destroy());
  socket.setTimeout(context.clientIdleMs, () => socket.destroy());
  const reader = new SocketReader(socket);
  const handle = { close: () => socket.destroy() };
  context.active.add(handle);
  let tunnelOpen = false;
  try {
    const [, methodCount = 0] = await reader.read('greeting', bytes(2));
    const methods = [...(await reader.read('methods', bytes(methodCount)))];
    const address = socket.remoteAddress ?? '';
    let credentials: { username: string; password: string } | undefined;
    if (methods.includes(USER_PASS)) {
      socket.write(Buffer.from([5, USER_PASS]));
      await reader.read('auth version', bytes(1));
      const username = await reader.read('username', lengthPrefixed);
      const password = await reader.read('password', lengthPrefixed);
      credentials = { username, password };
    } else if (methods.includes(NO_AUTH) && (await context.auth.allowedClients.lookup(address)) !== null) {
      socket.write(Buffer.from([5, NO_AUTH]));
    } else {
      socket.end(Buffer.from([5, NO_ACCEPTABLE]));
      context.metrics.connections.inc({ kind: 'socks5', outcome: 'refused' });
      return;
    }
    const client = await authenticate(context.auth, credentials, address).catch((error: unknown) => {
      if (credentials && error instanceof GatewayError) socket.end(Buffer.from([1, 1]));
      throw error;
    });
    if (credentials) socket.write(Buffer.from([1, 0]));
    const [, command, , addressType] = await reader.read('request', bytes(4));
    const host = await readAddress(reader, addressType);
    const port = (await reader.read('port', bytes(2))).readUInt16BE(0);
    if (command !== 1) throw new GatewayError('BAD_REQUEST', 'Only the SOCKS5 CONNECT command is supported.');
    const route = await routeThroughPool(context.route, client, 'tunnel', { host, port }, (dial) => dial());
    const early = reader.release();
    socket.write(reply(0));
    tunnelOpen = true;
    serveTunnel(context, 'socks5', {
      client,
      socket,
      upstream: route.result,
      clientHead: early,
      handle,
    });
  } catch (error) {
    if (tunnelOpen) return;
    context.active.delete(handle);
    const refusal = asGatewayError(error);
    context.metrics.connections.inc({ kind: 'socks5', outcome: outcomeOf(refusal) });
    if (socket.writableEnded) return;
    if (socket.writable) socket.end(reply(refusal.socks5Reply));
    else socket.destroy();
  }
}

async function readAddress(reader: SocketReader, addressType: number | undefined): Promise<string> {
  if (addressType === 1) return [...(await reader.read('IPv4 address', bytes(4)))].join('.');
  if (addressType === 3) return reader.read('domain name', lengthPrefixed);
  if (addressType === 4) {
    const raw = await reader.read('IPv6 address', bytes(16));
    return Array.from({ length: 8 }, (_, i) => raw.readUInt16BE(i * 2).toString(16)).join(':');
  }
  throw new GatewayError('BAD_REQUEST', 'Unknown SOCKS5 address type.');
}
