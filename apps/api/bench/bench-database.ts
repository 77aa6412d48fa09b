/**
 * The benchmark's own database (never the main one): created, migrated and seeded with N proxies once, then
 * reused by later runs (each run resets users, keys, leases and credits first). `--fresh` reseeds, `--drop`
 * drops it at the end.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDatabase, type Database } from '@proxy-pool/db';
import { generateApiKey } from '../src/services/api-keys.js';

const run = promisify(execFile);
const dbPackageDir = fileURLToPath(new URL('../../../packages/db', import.meta.url));
const migrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const admin = createDatabase({ url: withDatabase(url, 'postgres'), poolSize: 1 });
  try {
    await admin.$executeRawUnsafe(sql);
  } finally {
    await admin.$disconnect();
  }
}

const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

export async function dropBenchDatabase(url: string): Promise<void> {
  await adminQuery(url, `DROP DATABASE IF EXISTS "${databaseName(url)}" WITH (FORCE)`);
}

/** True when the database exists, is fully migrated and holds exactly `proxies` proxies. */
async function isReady(url: string, proxies: number): Promise<boolean> {
  const db = createDatabase({ url, poolSize: 1 });
  try {
    const migrations = readdirSync(migrationsDir, { withFileTypes: true }).filter((entry) =>
      entry.isDirectory(),
    ).length;
    const [applied] = await db.$queryRaw<
      Array<{ n: number }>
    >`SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
    const [seeded] = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM proxies`;
    return applied?.n === migrations && seeded?.n === proxies;
  } catch {
    return false;
  } finally {
    await db.$disconnect();
  }
}

/**
 * 30 % active, 60 % dead, 10 % unchecked; loopback addresses (127.x.y.z), so nothing could ever connect. Checked
 * proxies get an AS from twenty (eight of them hosting, on the curated list), one in twenty none.
 */
const seedSql = (n: number) => `
INSERT INTO proxies (id, ip, port, protocol, status, anonymity, exit_ip, country, score, avg_latency_ms,
  uptime_ratio, checks_total, checks_passed, last_checked_at, next_check_at, first_seen_at, last_seen_at, tags,
  asn, as_org, ip_type)
SELECT gen_random_uuid(), ip, port, protocol, status,
  CASE WHEN status = 'active' OR (status = 'dead' AND r3 < 0.5) THEN
    (CASE WHEN r4 < 0.4 THEN 'transparent' WHEN r4 < 0.7 THEN 'anonymous' ELSE 'elite' END)::"Anonymity" END,
  CASE WHEN status <> 'unchecked' THEN ip END,
  CASE WHEN status = 'active' OR (status = 'dead' AND r3 < 0.5) THEN
    (ARRAY['US','US','US','US','DE','DE','FR','GB','NL','RU','CN','BR','IN','JP','KR','CA','SG','ID','VN','TR'])[1 + floor(r5 * 20)::int] END,
  CASE WHEN status = 'active' THEN (0.2 + 0.8 * r6)::real ELSE 0 END,
  CASE WHEN status = 'active' OR (status = 'dead' AND r3 < 0.5) THEN round((50 + 2950 * r7)::numeric, 1)::real END,
  CASE WHEN status = 'active' THEN round((0.5 + 0.5 * r8)::numeric, 3)::real
       WHEN status = 'dead' THEN round((0.3 * r8)::numeric, 3)::real ELSE 0 END,
  CASE WHEN status = 'unchecked' THEN 0 ELSE 10 END, CASE WHEN status = 'active' THEN 8 ELSE 0 END,
  CASE WHEN status = 'active' THEN now() - r9 * interval '30 minutes'
       WHEN status = 'dead' THEN now() - r9 * interval '6 hours' END,
  now() + r9 * interval '10 minutes', now() - interval '3 days' + r9 * interval '2 days', now(),
  CASE WHEN r4 < 0.5 THEN '{"provider":"datacenter"}'::jsonb ELSE '{}'::jsonb END,
  asn, CASE WHEN asn IS NOT NULL THEN 'AS' || asn END,
  (CASE WHEN asn IS NULL THEN 'unknown' WHEN asn = ANY(ARRAY[16509,14061,16276,24940,20473,51167,9009,8075])
        THEN 'hosting' ELSE 'residential_or_business' END)::"IpType"
FROM (SELECT *, CASE WHEN status <> 'unchecked' AND r10 < 0.95 THEN (ARRAY[16509,14061,16276,24940,20473,51167,9009,8075,
    7922,3320,3215,4134,12389,4837,701,3269,5089,6830,9299,17974])[1 + floor(r10 / 0.95 * 20)::int] END AS asn
  FROM (
  SELECT '127.0.0.0'::inet + i AS ip, 1024 + (i % 60000) AS port,
    (ARRAY['http','https','socks4','socks5'])[1 + (i % 4)]::"ProxyProtocol" AS protocol,
    (CASE WHEN r1 < 0.3 THEN 'active' WHEN r1 < 0.9 THEN 'dead' ELSE 'unchecked' END)::"ProxyStatus" AS status,
    r3, r4, r5, r6, r7, r8, r9, r10
  FROM (SELECT i, random() r1, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8, random() r9,
          random() r10
        FROM generate_series(1, ${Math.floor(n)}) AS i) g
) s) t`;

/** Creates, migrates and seeds the bench database unless a previous run left it ready. */
export async function prepareBenchDatabase(
  url: string,
  proxies: number,
  fresh: boolean,
  log: (line: string) => void,
): Promise<void> {
  if (!fresh && (await isReady(url, proxies))) {
    log(`reusing ${databaseName(url)} (${proxies.toLocaleString('en')} proxies already seeded)`);
    return;
  }
  log(`creating ${databaseName(url)} and seeding ${proxies.toLocaleString('en')} proxies (a few minutes)`);
  await dropBenchDatabase(url);
  await adminQuery(url, `CREATE DATABASE "${databaseName(url)}"`);
  await run('npx', ['prisma', 'migrate', 'deploy'], { cwd: dbPackageDir, env: { ...process.env, DATABASE_URL: url } });
  const db = createDatabase({ url, poolSize: 1 });
  try {
    const started = performance.now();
    await db.$executeRawUnsafe(seedSql(proxies));
    await db.$executeRawUnsafe(`INSERT INTO sources (id, url, parser_name, cron_schedule, is_active, last_scraped_at)
      SELECT gen_random_uuid(), 'https://list' || i || '.example/proxies.txt', 'plaintext', '*/30 * * * *', i % 5 <> 0, now() - i * interval '1 minute'
      FROM generate_series(1, 15) AS i`);
    await db.$executeRawUnsafe('VACUUM ANALYZE proxies');
    log(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await db.$disconnect();
  }
}

export interface BenchUser {
  userId: string;
  key: string;
}

/** Forgets every user, key, lease and credit of earlier runs, and makes `count` users with `credits` each
 * (recorded as a grant, so balances must equal transaction sums afterwards). */
export async function resetUsers(db: Database, count: number, credits: number): Promise<BenchUser[]> {
  await db.$executeRawUnsafe('TRUNCATE leases, credit_transactions, api_keys, users CASCADE');
  await db.$executeRawUnsafe(
    'UPDATE proxies SET last_leased_at = NULL, leased_until = NULL WHERE last_leased_at IS NOT NULL OR leased_until IS NOT NULL',
  );
  await db.$executeRawUnsafe('VACUUM ANALYZE proxies');
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i += 1) {
    const key = generateApiKey();
    const email = `bench-${i}@bench.invalid`;
    const user = await db.user.create({
      data: {
        email,
        emailNormalized: email,
        displayName: `bench ${i}`,
        creditBalance: credits,
        apiKeys: { create: { prefix: key.prefix, keyHash: key.hash } },
        transactions: { create: { amount: credits, txType: 'grant', description: 'Benchmark grant' } },
      },
    });
    users.push({ userId: user.id, key: key.raw });
  }
  return users;
}

export interface LeaseAudit {
  leases: number;
  acquireTransactions: number;
  overlappingLeases: number;
  balanceMismatches: number;
}

/** After the acquire load: no proxy held by two leases at any moment, one charge per lease, exact balances. */
export async function auditLeases(db: Database): Promise<LeaseAudit> {
  const [row] = await db.$queryRaw<Array<LeaseAudit>>`
    SELECT (SELECT count(*)::int FROM leases) AS leases,
      (SELECT count(*)::int FROM credit_transactions WHERE tx_type = 'acquire' AND lease_id IS NOT NULL) AS "acquireTransactions",
      (SELECT count(*)::int FROM leases a JOIN leases b ON a.proxy_id = b.proxy_id AND a.id < b.id
        AND tstzrange(a.created_at, least(a.expires_at, coalesce(a.released_at, a.expired_at, a.expires_at)))
         && tstzrange(b.created_at, least(b.expires_at, coalesce(b.released_at, b.expired_at, b.expires_at)))) AS "overlappingLeases",
      (SELECT count(*)::int FROM users u
        WHERE u.credit_balance <> (SELECT coalesce(sum(amount), 0) FROM credit_transactions t WHERE t.user_id = u.id)) AS "balanceMismatches"`;
  return row!;
}
