import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { forwardProxy, type ForwardProxy } from '@proxy-pool/test-kit';
import type { RunningGateway } from '../src/main.js';
import { createGatewayWorld, type GatewayWorld, type TestUser } from './support/world.js';

// Bulk data both ways through CONNECT tunnels: what the client receives is exactly what the origin sent, also
// when the client reads slowly and the gateway must hold its reads back.
const PAYLOAD = randomBytes(6 * 1024 * 1024);
const PAYLOAD_SHA = createHash('sha256').update(PAYLOAD).digest('hex');
const UPLOAD_BYTES = 2 * 1024 * 1024;

let world: GatewayWorld;
let gateway: RunningGateway;
let user: TestUser;
let proxy: ForwardProxy;
let origin: Server;
let originPort: number;
const uploads: string[] = [];

beforeAll(async () => {
  world = await createGatewayWorld();
  // Sends the payload while it takes the client's upload (UPLOAD_BYTES), then notes the upload's SHA-256 and
  // closes once both are done.
  origin = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    const hash = createHash('sha256');
    let received = 0;
    let sent = false;
    const closeWhenDone = () => {
      if (sent && received === UPLOAD_BYTES) socket.end();
    };
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      if (received === UPLOAD_BYTES) uploads.push(hash.digest('hex'));
      closeWhenDone();
    });
    socket.write(PAYLOAD, () => {
      sent = true;
      closeWhenDone();
    });
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originPort = (origin.address() as { port: number }).port;
  proxy = await forwardProxy({ kind: 'elite' });
  await world.addProxy({ port: proxy.port, protocol: 'https', country: 'IE' });
  user = await world.addUser(10);
  gateway = await world.startGateway();
});

afterAll(async () => {
  await world.close();
  await proxy.close();
  await new Promise((resolve) => origin.close(resolve));
});

/** Opens a tunnel to the origin, uploads `upload`, reads the whole payload (slowly when asked); its SHA-256. */
function transfer(upload: Buffer, slow: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port: gateway.port });
    const auth = Buffer.from(`app-country-IE:${user.apiKey}`).toString('base64');
    socket.write(
      `CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`,
    );
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    let open = false;
    socket.on('data', (chunk: Buffer) => {
      if (!open) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 200')) return reject(new Error(head.toString()));
        open = true;
        socket.write(upload);
        chunk = head.subarray(end + 4);
      }
      hash.update(chunk);
      if (slow) {
        socket.pause();
        setTimeout(() => socket.resume(), 2);
      }
    });
    socket.once('end', () => resolve(hash.digest('hex')));
    socket.once('error', reject);
  });
}

describe('CONNECT tunnel relay', () => {
  test('megabytes both ways arrive intact, with fast and slow readers side by side', async () => {
    const bodies = Array.from({ length: 4 }, () => randomBytes(UPLOAD_BYTES));
    const received = await Promise.all(bodies.map((body, index) => transfer(body, index % 2 === 1)));
    expect(received).toEqual(Array<string>(4).fill(PAYLOAD_SHA));
    const sent = bodies.map((body) => createHash('sha256').update(body).digest('hex'));
    expect([...uploads].sort()).toEqual([...sent].sort());
  });
});
