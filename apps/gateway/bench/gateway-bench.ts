/**
 * `npm run bench:gateway`: the gateway against the same fake upstream proxies a client could use directly,
 * median of 3 rounds each: CONNECT tunnel throughput (1 MiB transfers), small plain HTTP requests per second
 * (a new connection each), the latency the gateway adds (p50 of sequential requests), and the gateway's
 * memory with 5,000 tunnels open at once. The gateway runs as its own process (its real entry point), the
 * upstreams in another; this process only drives clients. Loopback only.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@proxy-pool/db';
import { createRedis } from '@proxy-pool/queues';
import { clearKeys } from '@proxy-pool/test-kit';
import { machineLine, median, spawnReadyChild, throwawayDatabase } from '@proxy-pool/test-kit/bench';
import type { Socket } from 'node:net';
import { insertActiveProxy, insertUser } from '../test/support/world.js';
import { fetchBlob, openTunnel, plainRequest, pool, type Endpoint, type ProxyRoute } from './clients.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 64);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 300);
const OPEN_TUNNELS = Number(process.env.BENCH_OPEN_TUNNELS ?? 5000);

const upstreams = await spawnReadyChild(fileURLToPath(new URL('./upstreams-process.ts', import.meta.url)));
const world = JSON.parse(upstreams.payload) as { origin: Endpoint; proxies: Endpoint[] };
const database = await throwawayDatabase();
const db = createDatabase({ url: database.url, poolSize: 2 });
for (const proxy of world.proxies) {
  await insertActiveProxy(db, { port: proxy.port, protocol: 'https' });
  await insertActiveProxy(db, { port: proxy.port, protocol: 'http' });
}
const user = await insertUser(db, 1_000_000);
const prefix = `benchgw${process.pid}`;
const env = {
  ...process.env,
  DATABASE_URL: database.url,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: prefix,
  ALLOW_PRIVATE_TARGETS: 'true',
  GATEWAY_PORT: '0',
  GATEWAY_HOST: '127.0.0.1',
  HEALTH_PORT: '0',
  HEALTH_HOST: '127.0.0.1',
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
};
// BENCH_GATEWAY_NODE_ARGS: extra node flags for the gateway process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const gatewayProcess = spawn(
  process.execPath,
  [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))],
  { env, stdio: ['ignore', 'pipe', 'inherit'] },
);
const gatewayPort = await new Promise<number>((resolve, reject) => {
  let output = '';
  gatewayProcess.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const port = /"port":(\d+)/.exec(output)?.[1];
    if (port) resolve(Number(port));
  });
  gatewayProcess.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${output}`)));
});

const basic = (username: string) => `Basic ${Buffer.from(`${username}:${user.apiKey}`).toString('base64')}`;
const gateway = (username: string): ProxyRoute => ({
  proxy: { host: '127.0.0.1', port: gatewayPort },
  authorization: basic(username),
});
const direct = (index: number): ProxyRoute => ({ proxy: world.proxies[index % world.proxies.length]! });
const originUrl = `http://${world.origin.host}:${world.origin.port}/small`;

async function throughputMiBs(route: (index: number) => ProxyRoute): Promise<number> {
  const started = performance.now();
  const bytes = await pool(TRANSFERS, 4, async (index) => fetchBlob(await openTunnel(route(index), world.origin)));
  return bytes.reduce((sum, count) => sum + count, 0) / 1024 / 1024 / ((performance.now() - started) / 1000);
}

async function requestsPerSecond(route: (index: number) => ProxyRoute): Promise<number> {
  const started = performance.now();
  await pool(REQUESTS, 16, (index) => plainRequest(route(index), originUrl));
  return REQUESTS / ((performance.now() - started) / 1000);
}

async function p50LatencyMs(route: (index: number) => ProxyRoute): Promise<number> {
  const samples = await pool(LATENCY_SAMPLES, 1, (index) => plainRequest(route(index), originUrl));
  return median(samples);
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

const rounds: Array<Record<string, number>> = [];
try {
  // Warm-up: JIT, connection pools, the key and candidate paths.
  await pool(200, 8, (index) =>
    plainRequest(gateway('warm-protocol-http'), originUrl).then(() => plainRequest(direct(index), originUrl)),
  );
  for (let round = 1; round <= ROUNDS; round += 1) {
    const figures = {
      directMiBs: await throughputMiBs(direct),
      gatewayMiBs: await throughputMiBs(() => gateway('bench')),
      directRps: await requestsPerSecond(direct),
      gatewayRps: await requestsPerSecond(() => gateway('bench-protocol-http')),
      directP50: await p50LatencyMs(direct),
      gatewayP50: await p50LatencyMs(() => gateway('bench-protocol-http')),
    };
    rounds.push(figures);
    process.stdout.write(
      `round ${round}: ${JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number(v.toFixed(2))])))}\n`,
    );
  }
  const idle = rssMiB(gatewayProcess.pid!);
  const open: Socket[] = [];
  const openStarted = performance.now();
  for (let start = 0; start < OPEN_TUNNELS; start += 250) {
    open.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(250, OPEN_TUNNELS - start) }, () => openTunnel(gateway('hold'), world.origin)),
      )),
    );
  }
  const openSeconds = (performance.now() - openStarted) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const loaded = rssMiB(gatewayProcess.pid!);
  for (const socket of open) socket.destroy();

  const m = (key: string) => median(rounds.map((round) => round[key]!));
  const lines = [
    `gateway bench (${machineLine()}), median of ${ROUNDS} rounds, the same ${world.proxies.length} fake upstream proxies:`,
    `  CONNECT tunnels, ${TRANSFERS} x 1 MiB (4 at a time): direct ${m('directMiBs').toFixed(0)} MiB/s, gateway ${m('gatewayMiBs').toFixed(0)} MiB/s = ${(m('gatewayMiBs') / m('directMiBs')).toFixed(2)}x (target >= 0.8x)`,
    `  small plain requests, new connection each (16 at a time): direct ${m('directRps').toFixed(0)}/s, gateway ${m('gatewayRps').toFixed(0)}/s = ${(m('gatewayRps') / m('directRps')).toFixed(2)}x (target >= 0.7x)`,
    `  p50 latency, sequential: direct ${m('directP50').toFixed(2)} ms, gateway ${m('gatewayP50').toFixed(2)} ms, added ${(m('gatewayP50') - m('directP50')).toFixed(2)} ms (target <= 2 ms)`,
    `  ${OPEN_TUNNELS} tunnels open at once (opened in ${openSeconds.toFixed(1)} s): gateway RSS ${loaded.rss.toFixed(0)} MiB (idle ${idle.rss.toFixed(0)} MiB, peak ${loaded.peak.toFixed(0)} MiB; target <= 600 MiB)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  gatewayProcess.kill('SIGTERM');
  await new Promise((resolve) => gatewayProcess.once('exit', resolve));
  await db.$disconnect();
  const redis = createRedis(env.REDIS_URL, 'producer');
  await clearKeys(redis, prefix).catch(() => undefined);
  redis.disconnect();
  await database.drop();
  await upstreams.stop();
}
