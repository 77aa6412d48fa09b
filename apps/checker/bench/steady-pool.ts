import type { Database } from '@proxy-pool/db';
import { enqueueDueProxies } from '@proxy-pool/maintenance';
import type { TypedQueue } from '@proxy-pool/queues';
import type { CheckerConfig } from '../src/config.js';
import { waitForQueueIdle } from './bench-data.js';

interface Endpoint {
  host: string;
  port: number;
}

export interface SeededPool {
  world: { judgeUrl: string; proxies: Endpoint[]; holes: Endpoint[] };
  healthy: number;
  holes: number;
  dead: number;
  /** Validations per second the re-check schedule asks for this pool (no jitter). */
  demandPerSecond: number;
}

const PROTOCOLS = ['http', 'https', 'socks4', 'socks5'] as const;
const CHUNK = 5_000;

/** A refused port on an address nothing listens on: 127.10.0.1 onwards, four protocols each. */
const refusedHost = (index: number) =>
  `127.${10 + Math.floor(index / 62_500)}.${1 + (Math.floor(index / 250) % 250)}.${1 + (index % 250)}`;

/**
 * Seeds a pool (black holes are tagged `bench_kind`, so the bench can count their validations) as it looks once the schedule has settled: healthy fleet proxies (http and https each) `active`,
 * due within ACTIVE_RECHECK_MINUTES; black holes and refused ports `dead` with 3–10 consecutive failures, due within
 * their backoff (DEAD_RECHECK_BASE_MINUTES × 2^(failures−1), at most DEAD_RECHECK_MAX_HOURS), as nextCheckDelayMs
 * sets it.
 */
export async function seedSettledPool(
  db: Database,
  options: { world: SeededPool['world']; size: number; config: CheckerConfig },
): Promise<SeededPool> {
  const { world, size, config } = options;
  const healthyRows = world.proxies.flatMap((proxy) =>
    (['http', 'https'] as const).map((protocol) => ({ ...proxy, protocol })),
  );
  const holeRows = world.holes.flatMap((hole) => PROTOCOLS.map((protocol) => ({ ...hole, protocol })));
  const deadCount = Math.max(0, size - healthyRows.length - holeRows.length);
  const deadRows = Array.from({ length: Math.ceil(deadCount / PROTOCOLS.length) }, (_, index) => refusedHost(index))
    .flatMap((host) => PROTOCOLS.map((protocol) => ({ host, port: 9, protocol })))
    .slice(0, deadCount);
  const activeSeconds = config.ACTIVE_RECHECK_MINUTES * 60;
  for (let start = 0; start < healthyRows.length; start += CHUNK) {
    const chunk = healthyRows.slice(start, start + CHUNK);
    await db.$executeRaw`
      INSERT INTO proxies (ip, port, protocol, status, anonymity, exit_ip, score, avg_latency_ms, uptime_ratio, checks_total,
                           checks_passed, last_checked_at, last_passed_at, next_check_at)
      SELECT ip, port, protocol::"ProxyProtocol", 'active', 'elite', ip, 0.9, 5, 1, 10, 10, now(), now(),
             now() + make_interval(secs => random() * ${activeSeconds}::float8)
      FROM unnest(${chunk.map((row) => row.host)}::inet[], ${chunk.map((row) => row.port)}::int[], ${chunk.map((row) => row.protocol)}::text[])
        AS t(ip, port, protocol)`;
  }
  const dead = [...holeRows, ...deadRows];
  for (let start = 0; start < dead.length; start += CHUNK) {
    const chunk = dead.slice(start, start + CHUNK);
    await db.$executeRaw`
      INSERT INTO proxies (ip, port, protocol, status, score, uptime_ratio, checks_total, checks_passed, consecutive_failures,
                           last_checked_at, next_check_at, tags)
      SELECT ip, port, protocol::"ProxyProtocol", 'dead', 0, 0, k, 0, k, now(),
             now() + make_interval(secs => random() * least(${config.DEAD_RECHECK_MAX_HOURS * 3600}::float8,
               ${config.DEAD_RECHECK_BASE_MINUTES * 60}::float8 * 2 ^ (k - 1))),
             CASE WHEN port = 9 THEN '{}'::jsonb ELSE '{"bench_kind": "black hole"}'::jsonb END
      FROM (SELECT *, 3 + floor(random() * 8)::int AS k
            FROM unnest(${chunk.map((row) => row.host)}::inet[], ${chunk.map((row) => row.port)}::int[], ${chunk.map((row) => row.protocol)}::text[])
              AS t(ip, port, protocol)) seeded`;
  }
  const [demand] = await db.$queryRaw<Array<{ per_second: number }>>`
    SELECT sum(CASE WHEN status = 'active' THEN 1 / ${activeSeconds}::float8
      ELSE 1 / least(${config.DEAD_RECHECK_MAX_HOURS * 3600}::float8,
                     ${config.DEAD_RECHECK_BASE_MINUTES * 60}::float8 * 2 ^ (consecutive_failures - 1)) END)::float8 AS per_second
    FROM proxies`;
  await db.$executeRawUnsafe('ANALYZE proxies');
  return {
    world,
    healthy: healthyRows.length,
    holes: holeRows.length,
    dead: deadRows.length,
    demandPerSecond: demand?.per_second ?? 0,
  };
}

/**
 * The checker's capacity for this pool's mix: every healthy proxy and as many dead ones as the schedule asks in the
 * same proportion are made due at once, queued by one due sweep, and timed until 95 % of them were checked.
 */
export async function probeCapacity(
  db: Database,
  validateQueue: TypedQueue<'validate'>,
  pool: SeededPool,
  config: CheckerConfig,
): Promise<{ validations: number; seconds: number; perSecond: number }> {
  const activeDemand = pool.healthy / (config.ACTIVE_RECHECK_MINUTES * 60);
  const deadShare = Math.max(0, pool.demandPerSecond - activeDemand) / Math.max(activeDemand, 1e-9);
  const deadDue = Math.round(pool.healthy * deadShare);
  const [made] = await db.$queryRaw<Array<{ n: number }>>`
    WITH due AS (
      (SELECT id FROM proxies WHERE status = 'active')
      UNION ALL
      (SELECT id FROM proxies WHERE status = 'dead' ORDER BY random() LIMIT ${deadDue}))
    , updated AS (UPDATE proxies p SET next_check_at = now() - interval '1 hour' FROM due WHERE p.id = due.id RETURNING 1)
    SELECT count(*)::int AS n FROM updated`;
  const started = new Date();
  const queued = await enqueueDueProxies(
    { db, validateQueue },
    { limit: made?.n ?? 0, batchSize: config.DUE_BATCH_SIZE, leaseSeconds: config.CHECK_LEASE_SECONDS },
  );
  // Timed to 95 % checked: the last few are black holes waiting out the total timeout, a fixed tail that says
  // nothing about throughput.
  let seconds = 0;
  for (;;) {
    const [row] = await db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM proxies WHERE last_checked_at >= ${started}`;
    seconds = (Date.now() - started.getTime()) / 1000;
    if ((row?.n ?? 0) >= queued * 0.95) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await waitForQueueIdle(validateQueue);
  return { validations: Math.ceil(queued * 0.95), seconds, perSecond: (queued * 0.95) / seconds };
}
