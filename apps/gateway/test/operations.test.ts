import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { deadPort, echoServer, eventually, forwardProxy, type ServerHandle } from '@proxy-pool/test-kit';
import { PortUnavailableError } from '@proxy-pool/worker-runtime';
import { viaGateway } from './support/plain-request.js';
import { createGatewayWorld, type GatewayWorld, type TestUser } from './support/world.js';

let world: GatewayWorld;
let origin: ServerHandle;
let upstream: ServerHandle;
let user: TestUser;

beforeAll(async () => {
  world = await createGatewayWorld();
  origin = await echoServer();
  upstream = await forwardProxy({ kind: 'elite' });
  await world.addProxy({ port: upstream.port, protocol: 'https' });
  user = await world.addUser(10);
});

afterAll(async () => {
  await world.close();
  await Promise.all([origin.close(), upstream.close()]);
});

/** Opens a CONNECT tunnel through the gateway to the origin and returns the socket once the 200 arrived. */
function openTunnel(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', reject);
    const auth = Buffer.from(`ops:${user.apiKey}`).toString('base64');
    socket.write(
      `CONNECT 127.0.0.1:${origin.port} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`,
    );
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (seen.startsWith('HTTP/1.1 200')) resolve(socket);
      else reject(new Error(seen));
    };
    socket.on('data', onData);
  });
}

/** One GET inside an open tunnel (keep-alive), answered by the echo origin. */
function getThrough(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (seen.includes(path) && seen.trimEnd().endsWith('}')) {
        socket.off('data', onData);
        resolve(seen);
      }
    };
    socket.on('data', onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: origin\r\n\r\n`);
  });
}

describe('operations', () => {
  test('a taken GATEWAY_PORT fails start-up with the one-line port error', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const failure = await world.startGateway({ GATEWAY_PORT: String(port) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PortUnavailableError);
      expect((failure as Error).message).toBe(
        `cannot listen on 127.0.0.1:${port} (EADDRINUSE): set GATEWAY_PORT to a free port`,
      );
    } finally {
      taken.close();
    }
  });

  test('Redis unreachable: 503 SERVICE_UNAVAILABLE at once, never a hang or a misleading 502', async () => {
    const dead = await deadPort();
    const gateway = await world.startGateway({ REDIS_URL: `redis://${dead.host}:${dead.port}` });
    const started = Date.now();
    const answer = await viaGateway(gateway.port, 'r', user.apiKey, `${origin.url}/r`);
    expect(answer.status).toBe(503);
    expect(answer.headers['x-gateway-error']).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('/metrics on the health port counts connections by outcome, tries, latency, bytes and open tunnels', async () => {
    const gateway = await world.startGateway();
    expect((await viaGateway(gateway.port, 'm', user.apiKey, `${origin.url}/m`)).status).toBe(200);
    expect((await viaGateway(gateway.port, 'm', 'pp_bad', `${origin.url}/m`)).status).toBe(407);
    const tunnel = await openTunnel(gateway.port);
    const text = await (await fetch(`http://127.0.0.1:${gateway.healthPort}/metrics`)).text();
    expect(text).toContain('proxypool_gateway_connections_total{kind="http",outcome="served"} 1');
    expect(text).toContain('proxypool_gateway_connections_total{kind="http",outcome="refused"} 1');
    expect(text).toContain('proxypool_gateway_connections_total{kind="connect",outcome="served"} 1');
    expect(text).toContain('proxypool_gateway_active_tunnels 1');
    expect(text).toMatch(/proxypool_gateway_tries_per_connection_count 2/);
    expect(text).toMatch(/proxypool_gateway_upstream_connect_seconds_count\{protocol="https"\} 2/);
    expect(text).toMatch(/proxypool_gateway_bytes_total\{direction="out"\} [1-9]/);
    tunnel.destroy();
  });

  test('SIGTERM: stops accepting, lets an open tunnel finish, then exits 0', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const env = { ...world.env, PATH: process.env.PATH ?? '', GATEWAY_PORT: '0', DRAIN_MS: '10000', LOG_LEVEL: 'info' };
    // GATEWAY_PORT 0: the port is read from the start-up log line.
    const child = spawn(process.execPath, ['--import', 'tsx', main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const port = await eventually(
        async () => Number(/"port":(\d+)/.exec(output)?.[1]) || undefined,
        20_000,
        'the gateway to start',
      );
      const tunnel = await openTunnel(port);
      child.kill('SIGTERM');
      await eventually(async () => (output.includes('shutting down') ? true : undefined), 5_000, 'the drain to begin');
      await expect(openTunnel(port)).rejects.toThrow();
      expect(await getThrough(tunnel, '/still-open')).toContain('"url":"/still-open"');
      expect(child.exitCode).toBeNull();
      tunnel.end();
      expect(await exited).toBe(0);
      expect(output).toContain('shutdown complete');
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});
