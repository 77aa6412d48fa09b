/**
 * The database's share of site checks at scale: `works_for=` pages and counts, a run's sample and the list
 * figures, over a private database of N proxies (default 1,000,000; a fifth active, the rest dead) with one
 * check that tried half the active pool over 50 intervals (so about 2,000 passing results are in its window).
 * Run: npx tsx apps/api/bench/site-check-sql.ts [N]
 */
import {
  claimDueSiteChecks,
  countProxies,
  createDatabase,
  queryProxyPage,
  selectSiteCheckSample,
  siteCheckFigures,
} from '@proxy-pool/db';
import { privateDatabase } from '@proxy-pool/test-kit';
import { percentile } from './http-load.js';

const size = Number(process.argv[2] ?? 1_000_000);
const database = await privateDatabase(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const db = createDatabase({ url: database.url, poolSize: 2 });

async function time(label: string, work: () => Promise<unknown>, repeats = 20): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  console.log(`${label}: p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`);
}

try {
  await db.$executeRawUnsafe(`INSERT INTO proxies (ip, port, protocol, status, score, last_checked_at, uptime_ratio, avg_latency_ms)
    SELECT ('127.' || (i / 65536 % 256) || '.' || (i / 256 % 256) || '.' || (i % 256))::inet, 1000 + i % 60000, 'http',
      CASE WHEN i % 10 < 2 THEN 'active' ELSE 'dead' END::"ProxyStatus", random(), now(), random(), 100 + random() * 900
    FROM generate_series(1, ${size}) AS i`);
  const check = await db.siteCheck.create({ data: { name: 'shop', url: 'http://127.0.0.1/', sampleSize: 1000 } });
  await db.$executeRawUnsafe(`INSERT INTO site_check_results (site_check_id, proxy_id, passed, status_code, latency_ms, detail, checked_at)
    SELECT '${check.id}', id, random() < 0.5, 200, 100, 'bench', now() - random() * interval '30000 seconds'
    FROM proxies WHERE status = 'active' AND random() < 0.5`);
  await db.$executeRawUnsafe('ANALYZE');
  const page = (filters: object, sort: 'score' | 'latency' = 'score') =>
    queryProxyPage(db, {
      filters: { worksFor: 'shop', ...filters },
      sort,
      order: sort === 'score' ? 'desc' : 'asc',
      limit: 51,
    });
  console.log(`${size} proxies, ${await countProxies(db, { worksFor: 'shop' })} passing shop in its window`);
  await time('GET /proxies?works_for=shop', () => page({}));
  await time('GET /proxies?works_for=shop&sort=latency', () => page({}, 'latency'));
  await time('GET /proxies?works_for=shop&status=dead (none match)', () => page({ status: 'dead' }));
  await time('GET /proxies?works_for=shop&protocol=http&min_score=0.5', () =>
    page({ protocol: 'http', minScore: 0.5 }),
  );
  await time('total_count of works_for=shop', () => countProxies(db, { worksFor: 'shop' }));
  await time('GET /proxies (no filter), for comparison', () =>
    queryProxyPage(db, { filters: {}, sort: 'score', order: 'desc', limit: 51 }),
  );
  await time('sample of 1,000 for a run', () => selectSiteCheckSample(db, check.id, 1000), 10);
  await time('list figures of one check', () => siteCheckFigures(db, [check.id]));
  await time('claim due checks', () => claimDueSiteChecks(db, 100), 5);
} finally {
  await db.$disconnect();
  await database.drop();
}
