import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/harness.js';
import { compareFor, insertProxies, type SeededProxy, type SortField, type SortPosition } from './seed.js';

const COUNTRY = 'XP';
const ROWS = 1000;

let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  api = startTestApi({ PROXY_COUNT_CACHE_SECONDS: '0' });
  user = await createTestUser(api.ctx);
});

afterAll(async () => {
  await api.close();
});

// Few distinct values, so most rows tie with ~15 others and the id tie-break carries the walk.
const randomScore = () => (30 + randomInt(0, 61)) / 100;
const randomLatency = () => (randomInt(0, 10) === 0 ? null : 50 + randomInt(0, 60) * 10);

interface Item {
  id: string;
  score: number;
  avg_latency_ms: number | null;
}

/**
 * Walks every page while, between fetches, other rows not yet returned change their sort key. The rule a
 * keyset walk must keep: a row whose key never changed appears exactly once; a changed row appears exactly
 * once if its new key lies after the position already reached (the last row returned), and never if it moved
 * behind it; nothing appears twice, and the returned keys are in strict order.
 */
async function walkWhileChanging(
  sort: SortField,
  order: 'asc' | 'desc',
  column: 'score' | 'avg_latency_ms',
  limit: number,
) {
  const seeded: SeededProxy[] = await insertProxies(
    api.ctx,
    Array.from({ length: ROWS }, () => ({ country: COUNTRY, score: randomScore(), avgLatencyMs: randomLatency() })),
  );
  const compare = compareFor(sort, order);
  const keyOf = (row: SeededProxy) => (column === 'score' ? row.score : row.avgLatencyMs);
  const current = new Map(seeded.map((row) => [row.id, keyOf(row)]));
  const mustAppear = new Set(seeded.map((row) => row.id));
  const changed = new Set<string>();
  const returned: Item[] = [];
  let reached: SortPosition | null = null;
  let cursor: string | null = null;

  for (let page = 0; page < ROWS; page += 1) {
    const res: { status: number; body: { items: Item[]; next_cursor: string | null } } = await api.request
      .get('/proxies')
      .query({ country: COUNTRY, sort, order, limit, ...(cursor ? { cursor } : {}) })
      .set(user.auth);
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    returned.push(...items);
    const last = items[items.length - 1];
    if (last) reached = { id: last.id, key: last[column] };
    cursor = res.body.next_cursor;
    if (!cursor) break;

    const seen = new Set(returned.map((item) => item.id));
    const candidates = seeded.filter((row) => !seen.has(row.id) && !changed.has(row.id));
    for (let n = 0; n < 6 && candidates.length > 0; n += 1) {
      const [row] = candidates.splice(randomInt(0, candidates.length), 1);
      const key = column === 'score' ? randomScore() : randomLatency();
      if (column === 'score')
        await api.ctx.db.$executeRaw`UPDATE proxies SET score = ${key}::real WHERE id = ${row!.id}::uuid`;
      else await api.ctx.db.$executeRaw`UPDATE proxies SET avg_latency_ms = ${key}::real WHERE id = ${row!.id}::uuid`;
      changed.add(row!.id);
      current.set(row!.id, key);
      if (compare({ id: row!.id, key }, reached!) < 0) mustAppear.delete(row!.id);
    }
  }

  const ids = returned.map((item) => item.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => !mustAppear.has(id))).toEqual([]);
  expect([...mustAppear].filter((id) => !ids.includes(id))).toEqual([]);
  for (let i = 1; i < returned.length; i += 1) {
    const [a, b] = [returned[i - 1]!, returned[i]!];
    expect(compare({ id: a.id, key: a[column] }, { id: b.id, key: b[column] })).toBeLessThan(0);
  }
  for (const item of returned) expect(item[column]).toBe(current.get(item.id));
  // The walk did exercise both kinds of change.
  expect(changed.size).toBeGreaterThan(50);
  expect(mustAppear.size).toBeLessThan(ROWS);
  await api.ctx.db.$executeRaw`DELETE FROM proxies WHERE country = ${COUNTRY}::bpchar`;
}

describe('GET /proxies keyset pagination over 1,000 rows that change while paging', () => {
  it('score desc (ties on id) never repeats or skips a row', async () => {
    await walkWhileChanging('score', 'desc', 'score', 37);
  });

  it('latency asc (NULLs last) never repeats or skips a row', async () => {
    await walkWhileChanging('latency', 'asc', 'avg_latency_ms', 41);
  });
});
