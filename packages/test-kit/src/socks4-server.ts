import type { Socket } from 'node:net';
import type { ByteReader } from './byte-reader.js';
import { startSocksServer } from './socks-relay.js';
import type { SocksRequest, SocksServer, SocksServerOptions } from './socks-relay.js';

const GRANTED = 0x5a;
const REJECTED = 0x5b;

/** A SOCKS4 server that also understands SOCKS4a (destination 0.0.0.x followed by a host name). */
export function socks4Server(options: SocksServerOptions = {}): Promise<SocksServer> {
  return startSocksServer('socks4', handshake, options);
}

async function handshake(client: Socket, reader: ByteReader): Promise<SocksRequest | undefined> {
  const header = await reader.exactly(8);
  const port = header.readUInt16BE(2);
  const ip = [...header.subarray(4, 8)];
  await reader.nulTerminated();
  const isSocks4a = ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0;
  const host = isSocks4a ? (await reader.nulTerminated()).toString() : ip.join('.');
  if (header[0] !== 0x04 || header[1] !== 0x01) {
    client.end(reply(REJECTED));
    return undefined;
  }
  return { host, port, reply: (granted) => reply(granted ? GRANTED : REJECTED) };
}

function reply(code: number): Buffer {
  return Buffer.from([0x00, code, 0, 0, 0, 0, 0, 0]);
}
