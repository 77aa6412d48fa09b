import type { Socket } from 'node:net';
import type { ByteReader } from './byte-reader.js';
import type { ProxyCredentials } from './forward-proxy.js';
import { startSocksServer } from './socks-relay.js';
import type { SocksRequest, SocksServer, SocksServerOptions, SocksStats } from './socks-relay.js';

export interface Socks5Options extends SocksServerOptions {
  /** Require RFC 1929 username/password authentication with these credentials. */
  auth?: ProxyCredentials;
}

const NO_AUTH = 0x00;
const USER_PASS = 0x02;
const NO_ACCEPTABLE = 0xff;

/** A SOCKS5 server: CONNECT only, IPv4 and domain address types, optional username/password. */
export function socks5Server(options: Socks5Options = {}): Promise<SocksServer> {
  return startSocksServer('socks5', (client, reader, stats) => handshake(client, reader, stats, options.auth), options);
}

async function handshake(
  client: Socket,
  reader: ByteReader,
  stats: SocksStats,
  auth: ProxyCredentials | undefined,
): Promise<SocksRequest | undefined> {
  const [version, methodCount] = await reader.exactly(2);
  if (version !== 0x05 || methodCount === undefined) return refuse(client);
  const methods = await reader.exactly(methodCount);
  const wanted = auth ? USER_PASS : NO_AUTH;
  if (!methods.includes(wanted)) {
    client.end(Buffer.from([0x05, NO_ACCEPTABLE]));
    return undefined;
  }
  client.write(Buffer.from([0x05, wanted]));
  if (auth && !(await authenticate(client, reader, auth))) {
    stats.authFailures += 1;
    return undefined;
  }
  const [, command, , addressType] = await reader.exactly(4);
  const host = await readAddress(reader, addressType);
  const port = (await reader.exactly(2)).readUInt16BE(0);
  if (command !== 0x01 || host === undefined) {
    client.end(reply(command !== 0x01 ? 0x07 : 0x08));
    return undefined;
  }
  return { host, port, reply: (granted) => reply(granted ? 0x00 : 0x05) };
}

async function authenticate(client: Socket, reader: ByteReader, auth: ProxyCredentials): Promise<boolean> {
  const [, userLength = 0] = await reader.exactly(2);
  const username = (await reader.exactly(userLength)).toString();
  const [passwordLength = 0] = await reader.exactly(1);
  const password = (await reader.exactly(passwordLength)).toString();
  const ok = username === auth.username && password === auth.password;
  if (ok) client.write(Buffer.from([0x01, 0x00]));
  else client.end(Buffer.from([0x01, 0x01]));
  return ok;
}

async function readAddress(reader: ByteReader, addressType: number | undefined): Promise<string | undefined> {
  if (addressType === 0x01) return [...(await reader.exactly(4))].join('.');
  if (addressType === 0x03) {
    const [length = 0] = await reader.exactly(1);
    return (await reader.exactly(length)).toString();
  }
  if (addressType === 0x04) await reader.exactly(16);
  return undefined;
}

function reply(code: number): Buffer {
  return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

function refuse(client: Socket): undefined {
  client.destroy();
  return undefined;
}
