/**
 * `npm run bench:gateway`: the gateway against the same fake upstream proxies a client could use directly,
 * median of 3 rounds each: CONNECT tunnel throughput (1 MiB transfers), small plain HTTP requests per second
 * (a new connection each), the latency the gateway adds (p50 of sequential requests), and the gateway's
 * memory with 5,000 tunnels open at once. The gateway runs as its own process (its real entry point), the
 * upstreams in another; this process only drives clients. Loopback only. Beside each rate it prints the CPU
 * time every process spent per MiB or per request (from /proc), which a busy shared machine moves much less.
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
import { cpuDuring, findRedisPid, type CpuParties } from './cpu-ledger.js';
import { fetchBlob, openTunnel, plainRequest, pool, type Endpoint, type ProxyRoute } from './clients.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 256);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
/**
 * Each round's transfers and requests run in this many slices, direct and gateway taking turns, so a change of
 * the machine's load during a round weighs on both sides alike.
 */
const SLICES = Number(process.env.BENCH_SLICES ?? 4);
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

interface SideFigures {
  /** MiB/s or requests/s over the side's slices. */
  rate: number;
  /** CPU milliseconds per MiB or per request, by process. */
  cpu: CpuParties;
}

const pids = { gateway: gatewayProcess.pid ?? 0, upstreams: upstreams.child.pid ?? 0, redis: findRedisPid() };

/**
 * Runs `work` for the direct and the gateway side in turns, `SLICES` slices each of `total / SLICES` units;
 * each side's rate is its units over its own time, its CPU the sum over its slices per unit.
 */
async function interleaved(
  total: number,
  work: (side: 'direct' | 'gateway', count: number) => Promise<number>,
): Promise<{ direct: SideFigures; gateway: SideFigures }> {
  const sums = {
    direct: { units: 0, ms: 0, cpu: { gateway: 0, upstreams: 0, clients: 0, redis: 0 } },
    gateway: { units: 0, ms: 0, cpu: { gateway: 0, upstreams: 0, clients: 0, redis: 0 } },
  };
  const perSlice = Math.max(1, Math.round(total / SLICES));
  for (let slice = 0; slice < SLICES; slice += 1) {
    for (const side of slice % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const)) {
      const started = performance.now();
      let units = 0;
      const cpu = await cpuDuring(pids, async () => {
        units = await work(side, perSlice);
      });
      const sum = sums[side];
      sum.ms += performance.now() - started;
      sum.units += units;
      for (const party of Object.keys(cpu) as Array<keyof CpuParties>) sum.cpu[party] += cpu[party];
    }
  }
  const figures = (side: 'direct' | 'gateway'): SideFigures => {
    const { units, ms, cpu } = sums[side];
    const per = (value: number) => value / units;
    return {
      rate: units / (ms / 1000),
      cpu: {
        gateway: per(cpu.gateway),
        upstreams: per(cpu.upstreams),
        clients: per(cpu.clients),
        redis: per(cpu.redis),
      },
    };
  };
  return { direct: figures('direct'), gateway: figures('gateway') };
}

/** 1 MiB transfers through CONNECT tunnels, 4 at a time: MiB/s and CPU per MiB. */
const throughput = () =>
  interleaved(TRANSFERS, async (side, count) => {
    const route = side === 'direct' ? direct : () => gateway('bench');
    const bytes = await pool(count, 4, async (index) => fetchBlob(await openTunnel(route(index), world.origin)));
    return bytes.reduce((sum, received) => sum + received, 0) / 1024 / 1024;
  });

/** Small plain requests, a new connection each, 16 at a time: requests/s and CPU per request. */
const requestRate = () =>
  interleaved(REQUESTS, async (side, count) => {
    const route = side === 'direct' ? direct : () => gateway('bench-protocol-http');
    await pool(count, 16, (index) => plainRequest(route(index), originUrl));
    return count;
  });

async function p50LatencyMs(route: (index: number) => ProxyRoute): Promise<number> {
  const samples = await pool(LATENCY_SAMPLES, 1, (index) => plainRequest(route(index), originUrl));
  return median(samples);
}

/** CPU ms per unit by party, flattened for the round's record: e.g. `cpuPerMiBGatewayGateway`. */
function cpuFigures(unit: string, sides: { direct: SideFigures; gateway: SideFigures }): Record<string, number> {
  const record: Record<string, number> = {};
  for (const side of ['direct', 'gateway'] as const)
    for (const [party, ms] of Object.entries(sides[side].cpu)) record[`cpuPer${unit}:${side}:${party}`] = ms;
  return record;
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
    const tunnels = await throughput();
    const requests = await requestRate();
    const figures = {
      directMiBs: tunnels.direct.rate,
      gatewayMiBs: tunnels.gateway.rate,
      directRps: requests.direct.rate,
      gatewayRps: requests.gateway.rate,
      directP50: await p50LatencyMs(direct),
      gatewayP50: await p50LatencyMs(() => gateway('bench-protocol-http')),
      ...cpuFigures('MiB', tunnels),
      ...cpuFigures('Request', requests),
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
  const ratios = (gatewayKey: string, directKey: string) =>
    rounds.map((round) => (round[gatewayKey]! / round[directKey]!).toFixed(2)).join(' / ');
  const cpuLine = (unit: string, label: string, scale: number, suffix: string) => {
    const side = (name: 'direct' | 'gateway') => {
      const parties = ['gateway', 'upstreams', 'clients', 'redis'].map((party) => ({
        party,
        value: m(`cpuPer${unit}:${name}:${party}`) * scale,
      }));
      const total = parties.reduce((sum, { value }) => sum + value, 0);
      const shown = parties.filter(({ value }) => value > 0).map(({ party, value }) => `${party} ${value.toFixed(1)}`);
      return `${name} ${total.toFixed(1)}${suffix} (${shown.join(', ')})`;
    };
    return `  CPU per ${label}: ${side('direct')}; ${side('gateway')}`;
  };
  const lines = [
    `gateway bench (${machineLine()}), median of ${ROUNDS} rounds, the same ${world.proxies.length} fake upstream proxies:`,
    `  CONNECT tunnels, ${TRANSFERS} x 1 MiB (4 at a time, direct and gateway in ${SLICES} turns each): direct ${m('directMiBs').toFixed(0)} MiB/s, gateway ${m('gatewayMiBs').toFixed(0)} MiB/s = ${(m('gatewayMiBs') / m('directMiBs')).toFixed(2)}x (target >= 0.8x; rounds ${ratios('gatewayMiBs', 'directMiBs')})`,
    `  small plain requests, new connection each (16 at a time, ${SLICES} turns each): direct ${m('directRps').toFixed(0)}/s, gateway ${m('gatewayRps').toFixed(0)}/s = ${(m('gatewayRps') / m('directRps')).toFixed(2)}x (target >= 0.7x; rounds ${ratios('gatewayRps', 'directRps')})`,
    cpuLine('MiB', 'MiB tunnelled', 1, ' ms'),
    cpuLine('Request', 'small request', 1000, ' µs'),
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
