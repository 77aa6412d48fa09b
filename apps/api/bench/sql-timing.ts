/** The database's share of GET /proxies: each query of the mix run alone (first page and a deep page), no HTTP. */
import { countProxies, queryProxyPage, type Database } from '@proxy-pool/db';
import { parseInput } from '../src/http/validate.js';
import { DEFAULT_ORDER, proxyListQuerySchema, toProxyFilters } from '../src/services/proxies-query.service.js';
import { percentile } from './http-load.js';

export interface SqlTiming {
  kind: string;
  page: { p50: number; p95: number };
  deepPage: { p50: number; p95: number };
  count: { p50: number; rows: number };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

export async function timeSqlQueries(
  db: Database,
  mix: Array<{ kind: string; path: string }>,
  repeats: number,
): Promise<SqlTiming[]> {
  const timings: SqlTiming[] = [];
  for (const { kind, path } of mix) {
    const query = parseInput(
      proxyListQuerySchema,
      Object.fromEntries(new URL(path, 'http://bench').searchParams),
      'query',
    );
    const base = {
      filters: toProxyFilters(query),
      sort: query.sort,
      order: query.order ?? DEFAULT_ORDER[query.sort],
      limit: query.limit + 1,
    };
    // A position 20 pages in, to show a deep page costs what the first one does.
    const walk = await queryProxyPage(db, { ...base, limit: query.limit * 20 });
    const deep = walk[walk.length - 1];
    const after = deep ? { value: deep.sort_key, id: deep.id } : undefined;
    const first: number[] = [];
    const later: number[] = [];
    for (let i = 0; i < repeats; i += 1) {
      first.push((await timed(() => queryProxyPage(db, base)))[1]);
      later.push((await timed(() => queryProxyPage(db, { ...base, after })))[1]);
    }
    const counts: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i += 1) {
      const [n, ms] = await timed(() => countProxies(db, base.filters));
      rows = n;
      counts.push(ms);
    }
    timings.push({
      kind,
      page: { p50: percentile(first, 50), p95: percentile(first, 95) },
      deepPage: { p50: percentile(later, 50), p95: percentile(later, 95) },
      count: { p50: percentile(counts, 50), rows },
    });
  }
  return timings;
}
