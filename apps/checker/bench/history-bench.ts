/**
 * `npm run bench:history`: what the check history costs per validation. 1,000,000 validations' worth of writes go
 * through the checker's real batch writer (figures rules, re-check schedule, history policy) into a throwaway
 * database, on a virtual clock: a pool of proxies of three kinds (healthy, flaky, dead) is validated whenever its
 * `next_check_at` comes due, exactly as the due sweep would, in batches of RESULT_BATCH_SIZE. Prints the history's
 * bytes (tables + indexes) per validation, overall and at steady state (after the first virtual hour, when every
 * proxy has had its first validation), and the mix of outcomes that produced them.
 */
import { createDatabase, maintainCheckHistory, openCheckStore, type Database } from '@proxy-pool/db';
import { machineLine, throwawayDatabase } from '@proxy-pool/test-kit/bench';
import { DEFAULT_SCORING } from '../src/proxy-state.js';
import { databaseBatchWriter, type ValidationToWrite } from '../src/result-writer.js';

const VALIDATIONS = Number(process.env.BENCH_VALIDATIONS ?? 1_000_000);
const PROXIES = Number(process.env.BENCH_PROXIES ?? 10_000);
const BATCH = 1_000;
const TICK_MS = 60_000;
/** Share of the pool and chance to pass a validation, per kind. */
const KINDS = [
  { name: 'healthy', share: 0.7, passRate: 0.99 },
  { name: 'flaky', share: 0.1, passRate: 0.8 },
  { name: 'dead', share: 0.2, passRate: 0 },
] as const;

const passChance = (index: number): number => {
  let bound = 0;
  for (const kind of KINDS) {
    bound += kind.share * PROXIES;
    if (index < bound) return kind.passRate;
  }
  return 0;
};

function checksOf(proxyId: string, passed: boolean, at: Date): ValidationToWrite['checks'] {
  const connect = { checkerName: 'tcp_connect', stage: 1, latencyMs: 42, createdAt: at };
  if (passed)
    return [
      { ...connect, passed: true, detail: 'connected' },
      {
        checkerName: 'http_anonymity',
        stage: 2,
        passed: true,
        latencyMs: 180,
        detail: 'elite proxy, exit IP 203.0.113.77',
        createdAt: at,
      },
      { checkerName: 'geoip', stage: 3, passed: true, latencyMs: 0, detail: 'country DE', createdAt: at },
    ];
  // Failures split like real sweeps: most never connect, some connect and then fail through the proxy.
  return proxyId.charCodeAt(proxyId.length - 1) % 3 === 0
    ? [
        { ...connect, passed: true, detail: 'connected' },
        {
          checkerName: 'http_anonymity',
          stage: 2,
          passed: false,
          latencyMs: null,
          detail: 'timeout after 9998ms waiting for judge answer',
          createdAt: at,
        },
      ]
    : [{ ...connect, passed: false, latencyMs: null, detail: 'connection refused' }];
}

async function historyBytes(db: Database): Promise<{ bytes: number; rows: number }> {
  const [row] = await db.$queryRaw<Array<{ bytes: bigint; rows: bigint }>>`
    SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint AS bytes,
           (SELECT count(*) FROM history.proxy_checks)::bigint AS rows
    FROM pg_inherits i WHERE i.inhparent = 'history.proxy_checks'::regclass`;
  return { bytes: Number(row?.bytes ?? 0), rows: Number(row?.rows ?? 0) };
}

const database = await throwawayDatabase();
const db = createDatabase({ url: database.url, poolSize: 2 });
const store = openCheckStore(database.url, 2);
try {
  const ids = (
    await db.$queryRaw<Array<{ id: string }>>`
      INSERT INTO proxies (ip, port, protocol)
      SELECT ('10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256))::inet, 8080, 'http'
      FROM generate_series(0, ${PROXIES - 1}::int) AS i ORDER BY i RETURNING id`
  ).map((row) => row.id);
  const start = Date.now() - Math.ceil((VALIDATIONS / PROXIES) * 5 + 60) * TICK_MS;
  await maintainCheckHistory(db, { at: new Date(start), daysAhead: 3, retentionDays: 3650 });
  const write = databaseBatchWriter(store, DEFAULT_SCORING);
  const due = new Map(ids.map((id) => [id, start]));
  const counts = { validations: 0, failed: 0, statusChanges: 0 };
  let steady: { bytes: number; validations: number } | undefined;
  const began = performance.now();
  for (let clock = start; counts.validations < VALIDATIONS; clock += TICK_MS) {
    if (steady === undefined && clock - start >= 60 * TICK_MS)
      steady = { bytes: (await historyBytes(db)).bytes, validations: counts.validations };
    const now = new Date(clock);
    const batch: ValidationToWrite[] = [];
    for (const [index, id] of ids.entries()) {
      if ((due.get(id) ?? Infinity) > clock || counts.validations + batch.length >= VALIDATIONS) continue;
      const passed = Math.random() < passChance(index);
      batch.push({
        proxyId: id,
        finishedAt: now,
        outcome: { passed, latencyMs: passed ? 180 : null },
        checks: checksOf(id, passed, now),
      });
      if (!passed) counts.failed += 1;
    }
    for (let offset = 0; offset < batch.length; offset += BATCH) {
      const part = batch.slice(offset, offset + BATCH);
      const before = await db.$queryRaw<Array<{ id: string; status: string }>>`
        SELECT id, status::text FROM proxies WHERE id = ANY(${part.map((item) => item.proxyId)}::uuid[])`;
      const written = await write(part);
      const was = new Map(before.map((row) => [row.id, row.status]));
      for (const [id, update] of written) {
        due.set(id, update.nextCheckAt.getTime());
        if (was.get(id) !== update.status) counts.statusChanges += 1;
      }
      counts.validations += part.length;
    }
  }
  const seconds = (performance.now() - began) / 1000;
  const end = await historyBytes(db);
  const steadyBytes = end.bytes - (steady?.bytes ?? 0);
  const steadyValidations = counts.validations - (steady?.validations ?? 0);
  const pct = (part: number) => `${((100 * part) / counts.validations).toFixed(1)} %`;
  console.log(
    [
      `history bench: ${counts.validations.toLocaleString('en')} validations of ${PROXIES.toLocaleString('en')} proxies ` +
        `(${KINDS.map((kind) => `${kind.share * 100} % ${kind.name}`).join(', ')}) in ${seconds.toFixed(1)} s`,
      `  outcomes: ${pct(counts.failed)} failed, ${pct(counts.statusChanges)} changed the status`,
      `  history: ${end.rows.toLocaleString('en')} rows, ${(end.bytes / 1048576).toFixed(1)} MiB (tables + indexes), ` +
        `${(end.bytes / Math.max(1, end.rows)).toFixed(0)} bytes per row`,
      `  bytes per validation: ${(end.bytes / counts.validations).toFixed(1)} overall, ` +
        `${(steadyBytes / Math.max(1, steadyValidations)).toFixed(1)} at steady state (after the first virtual hour)`,
      `  [${machineLine()}]`,
    ].join('\n'),
  );
} finally {
  await store.close();
  await db.$disconnect();
  await database.drop();
}
