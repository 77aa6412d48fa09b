import { Prisma } from '../generated/client/index.js';
import type { ProxyProtocol } from '../generated/client/index.js';
import { sqlRows, type Database } from './client.js';
import { arrayParameter, emptyScrapedColumns, pushScrapedProxy, type ScrapedColumns } from './scrape-columns.js';

/** One proxy as a scrape found it, ready to upsert. */
export interface ScrapedProxy {
  ip: string;
  port: number;
  protocol: ProxyProtocol;
  username?: string | null;
  password?: string | null;
  /** What the list said about the proxy (country, anonymity, …); merged into the stored tags. */
  tags?: Record<string, string> | undefined;
  /** The country the list states (ISO 3166-1 alpha-2); a list that states none leaves the stored one. */
  sourceCountry?: string | null | undefined;
}

export interface UpsertChunkOptions {
  /**
   * New proxies are inserted leased for this long (`next_check_at = now() + claim`): the validate job queued
   * for them right after the insert owns them, and the due sweep leaves them alone meanwhile.
   */
  claimSeconds: number;
}

export interface UpsertChunkResult {
  /** Rows the chunk touched (inserted + already known). */
  total: number;
  /** Ids of the proxies this chunk inserted (status unchecked). */
  newIds: string[];
}

/** 5,000 rows a statement: large enough to amortise round trips, small enough to keep locks short. */
export const SCRAPE_UPSERT_CHUNK = 5_000;

const DEADLOCK = '40P01';

/**
 * Upserts one chunk of proxies and links them to the source, in one statement (so one transaction):
 * a new (ip, port, protocol) is inserted as `unchecked` and leased for its first validation, a known one gets
 * `last_seen_at` refreshed (and upstream credentials when the list gives them). Tags are merged: the stored
 * tags keep every key any source gave, and a key this list names again takes this list's value; likewise the
 * source country (the newest list that states one). Rows are
 * taken in key order so two scrapes sharing proxies lock them in the same order. Input rows must be unique
 * by (ip, port, protocol).
 */
export async function upsertScrapedChunk(
  db: Database,
  sourceId: string,
  rows: readonly ScrapedProxy[],
  options: UpsertChunkOptions,
): Promise<UpsertChunkResult> {
  const columns = emptyScrapedColumns();
  for (const row of rows) pushScrapedProxy(columns, row);
  return upsertScrapedColumns(db, sourceId, columns, options);
}

/** {@link upsertScrapedChunk} for a chunk already held as columns (the scraper builds them so). */
export async function upsertScrapedColumns(
  db: Database,
  sourceId: string,
  columns: ScrapedColumns,
  options: UpsertChunkOptions,
): Promise<UpsertChunkResult> {
  return runScrapedChunk(db, scrapedChunkStatement(sourceId, columns, options));
}

/** The upsert of one chunk, ready to run; null for an empty chunk. */
export type ScrapedChunkStatement = Prisma.Sql | null;

/**
 * Builds the chunk's statement at once, so a caller that drops the columns afterwards keeps only the
 * statement (three array literals) while it runs, not the chunk's 5,000 addresses.
 */
export function scrapedChunkStatement(
  sourceId: string,
  columns: ScrapedColumns,
  options: UpsertChunkOptions,
): ScrapedChunkStatement {
  if (columns.ips.length === 0) return null;
  const [ips, ports, protocols, usernames, passwords, tags, countries] = [
    columns.ips,
    columns.ports,
    columns.protocols,
    columns.usernames,
    columns.passwords,
    columns.tags,
    columns.countries,
  ].map(arrayParameter);
  // Straight through node-postgres (sqlRows), not Prisma's raw query: measured on a million-line scrape,
  // Prisma's runtime and its WASM query compiler spent ~3.7 s of CPU per scrape passing these arrays in and the
  // ids out, and the scraper's peak RSS fell from 629 to 346 MiB without them. New ids come back as one
  // comma-separated string, split natively (a text[] of 5,000 uuids parsed by postgres-array cost ~0.5 s more
  // per million).
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${ips}::inet[], ${ports}::int[], ${protocols}::"ProxyProtocol"[], ${usernames}::text[], ${passwords}::text[], ${tags}::text[], ${countries}::text[])
        AS t(ip, port, protocol, username, password, tags, source_country)
      ORDER BY ip, port, protocol
    ), upserted AS (
      INSERT INTO proxies (id, ip, port, protocol, username, password, tags, source_country, next_check_at)
      SELECT uuid_v7(), ip, port, protocol, username, password, COALESCE(tags::jsonb, '{}'::jsonb), source_country,
        now() + make_interval(secs => ${options.claimSeconds}::float8)
      FROM input
      ON CONFLICT (ip, port, protocol) DO UPDATE SET
        last_seen_at = now(),
        username = COALESCE(EXCLUDED.username, proxies.username),
        password = COALESCE(EXCLUDED.password, proxies.password),
        tags = proxies.tags || EXCLUDED.tags,
        source_country = COALESCE(EXCLUDED.source_country, proxies.source_country)
      RETURNING id, (xmax = 0) AS inserted
    ), linked_new AS (
      -- A proxy this statement inserted has no link yet: a plain insert, without the conflict check's extra
      -- index probe and confirmation record per row.
      INSERT INTO proxy_sources (proxy_id, source_id)
      SELECT id, ${sourceId}::uuid FROM upserted WHERE inserted
    ), linked_known AS (
      INSERT INTO proxy_sources (proxy_id, source_id)
      SELECT id, ${sourceId}::uuid FROM upserted WHERE NOT inserted
      ON CONFLICT (proxy_id, source_id) DO UPDATE SET last_seen_at = now()
    )
    SELECT count(*)::int AS total, string_agg(id::text, ',') FILTER (WHERE inserted) AS new_ids FROM upserted`;
}

/** Runs a statement {@link scrapedChunkStatement} built (in one transaction, retried once on a deadlock). */
export async function runScrapedChunk(db: Database, statement: ScrapedChunkStatement): Promise<UpsertChunkResult> {
  if (statement === null) return { total: 0, newIds: [] };
  const [result] = await withDeadlockRetry(() =>
    sqlRows<{ total: number; new_ids: string | null }>(db.pool, statement),
  );
  return { total: result?.total ?? 0, newIds: result?.new_ids ? result.new_ids.split(',') : [] };
}

/** A deadlock aborts the whole statement, so running it again is safe; one retry covers the rare case. */
async function withDeadlockRetry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!String((error as Error)?.message).includes(DEADLOCK) && (error as { code?: string })?.code !== DEADLOCK)
      throw error;
    return run();
  }
}
