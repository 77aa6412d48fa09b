import { randomInt } from 'node:crypto';
import { Prisma } from '@proxy-pool/db';
import { expect } from '@jest/globals';
import type { ApiContext } from '../../src/context.js';
import type { TestApi, TestUser } from '../support/harness.js';

/** A proxy row for tests; every field has a default. Addresses are loopback: nothing connects to them. */
export interface SeedProxy {
  ip?: string;
  port?: number;
  protocol?: 'http' | 'https' | 'socks4' | 'socks5';
  status?: 'active' | 'dead' | 'unchecked';
  anonymity?: 'transparent' | 'anonymous' | 'elite' | null;
  exitIp?: string | null;
  country?: string | null;
  score?: number;
  avgLatencyMs?: number | null;
  uptimeRatio?: number;
  lastCheckedAt?: Date | null;
  lastLeasedAt?: Date | null;
  tags?: Record<string, string>;
  username?: string | null;
  password?: string | null;
}

export interface SeededProxy extends Required<SeedProxy> {
  id: string;
}

// A random /16 inside 127/8 per test process, so files running side by side never collide on (ip, port, protocol).
const second = randomInt(1, 255);
let counter = randomInt(0, 30_000);

function nextIp(): string {
  counter = (counter + 1) % 65_536;
  return `127.${second}.${counter >> 8}.${counter & 255}`;
}

/** Fills in a realistic row. An unchecked proxy has never been checked, so its measured fields default blank
 * (the database refuses anything else: constraint proxies_unchecked_blank). */
export function proxyDefaults(row: SeedProxy): Required<SeedProxy> {
  const checked = (row.status ?? 'active') !== 'unchecked';
  return {
    ip: row.ip ?? nextIp(),
    port: row.port ?? randomInt(1024, 65_535),
    protocol: row.protocol ?? 'http',
    status: row.status ?? 'active',
    anonymity: row.anonymity === undefined ? (checked ? 'elite' : null) : row.anonymity,
    exitIp: row.exitIp ?? null,
    country: row.country ?? null,
    score: row.score ?? (checked ? 0.5 : 0),
    avgLatencyMs: row.avgLatencyMs === undefined ? (checked ? 200 : null) : row.avgLatencyMs,
    uptimeRatio: row.uptimeRatio ?? (checked ? 0.9 : 0),
    lastCheckedAt: row.lastCheckedAt === undefined ? (checked ? new Date() : null) : row.lastCheckedAt,
    lastLeasedAt: row.lastLeasedAt ?? null,
    tags: row.tags ?? {},
    username: row.username ?? null,
    password: row.password ?? null,
  };
}

/** Inserts proxies with raw SQL (batched) and returns them with their ids, in input order. */
export async function insertProxies(ctx: ApiContext, rows: SeedProxy[]): Promise<SeededProxy[]> {
  const full = rows.map(proxyDefaults);
  const seeded: SeededProxy[] = [];
  for (let start = 0; start < full.length; start += 500) {
    const batch = full.slice(start, start + 500);
    const values = batch.map(
      (
        p,
        index,
      ) => Prisma.sql`(gen_random_uuid(), ${p.ip}::inet, ${p.port}::int, ${p.protocol}::"ProxyProtocol", ${p.status}::"ProxyStatus",
        ${p.anonymity}::"Anonymity", ${p.exitIp}::inet, ${p.country}::bpchar, ${p.score}::real, ${p.avgLatencyMs}::real,
        ${p.uptimeRatio}::real, ${p.lastCheckedAt}::timestamptz, ${p.lastLeasedAt}::timestamptz, ${JSON.stringify(p.tags)}::jsonb,
        ${p.username}, ${p.password}, ${index}::int)`,
    );
    const ids = await ctx.db.$queryRaw<Array<{ id: string }>>`
      WITH input (id, ip, port, protocol, status, anonymity, exit_ip, country, score, avg_latency_ms, uptime_ratio,
        last_checked_at, last_leased_at, tags, username, password, ord) AS (VALUES ${Prisma.join(values)}),
      inserted AS (
        INSERT INTO proxies (id, ip, port, protocol, status, anonymity, exit_ip, country, score, avg_latency_ms, uptime_ratio,
          last_checked_at, last_leased_at, tags, username, password)
        SELECT id, ip, port, protocol, status, anonymity, exit_ip, country, score, avg_latency_ms, uptime_ratio,
          last_checked_at, last_leased_at, tags, username, password FROM input RETURNING id)
      SELECT input.id FROM input JOIN inserted USING (id) ORDER BY input.ord`;
    for (const [index, row] of ids.entries()) seeded.push({ ...batch[index]!, id: row.id });
  }
  return seeded;
}

/** Gives a test user a matching `grant` transaction, so the balance equals the sum of the user's transactions. */
export async function recordGrant(ctx: ApiContext, userId: string, amount: number): Promise<void> {
  await ctx.db.$executeRaw`INSERT INTO credit_transactions (id, user_id, amount, tx_type, description)
    VALUES (gen_random_uuid(), ${userId}::uuid, ${amount}, 'grant', 'Test grant')`;
}

export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

export type SortField = 'score' | 'latency' | 'uptime' | 'last_checked';

export interface SortPosition {
  id: string;
  key: number | null;
}

/** The documented order of GET /proxies as a comparator: NULLs last either way, ties by id (for score: id
 * ascending under desc and descending under asc; for the others: id in the sort's direction). */
export function compareFor(sort: SortField, order: 'asc' | 'desc'): (a: SortPosition, b: SortPosition) => number {
  const idDescending = sort === 'score' ? order === 'asc' : order === 'desc';
  return (a, b) => {
    if (a.key === null || b.key === null) {
      if (a.key !== b.key) return a.key === null ? 1 : -1;
    } else if (a.key !== b.key) {
      return order === 'asc' ? a.key - b.key : b.key - a.key;
    }
    const byId = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return idDescending ? -byId : byId;
  };
}

export function sortKeyOf(row: SeedProxy, sort: SortField): number | null {
  if (sort === 'score') return row.score ?? null;
  if (sort === 'latency') return row.avgLatencyMs ?? null;
  if (sort === 'uptime') return row.uptimeRatio ?? null;
  return row.lastCheckedAt?.getTime() ?? null;
}

export function expectedOrder<T extends SeededProxy>(rows: T[], sort: SortField, order: 'asc' | 'desc'): T[] {
  const compare = compareFor(sort, order);
  return [...rows].sort((a, b) =>
    compare({ id: a.id, key: sortKeyOf(a, sort) }, { id: b.id, key: sortKeyOf(b, sort) }),
  );
}

export const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

/** GET /proxies as `user` with `query`; expects 200. */
export async function listProxies(api: TestApi, user: TestUser, query: Record<string, string>) {
  const res = await api.request.get('/proxies').query(query).set(user.auth);
  expect(res.status).toBe(200);
  return res.body as { items: Array<Record<string, unknown> & { id: string }>; total_count: number };
}
