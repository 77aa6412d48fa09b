import type { ProxyProtocol } from '../generated/client/index.js';
import type { Database } from './client.js';

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
  if (rows.length === 0) return { total: 0, newIds: [] };
  const ips = rows.map((row) => row.ip);
  const ports = rows.map((row) => row.port);
  const protocols = rows.map((row) => row.protocol);
  const usernames = rows.map((row) => row.username ?? null);
  const passwords = rows.map((row) => row.password ?? null);
  const countries = rows.map((row) => row.sourceCountry ?? null);
  // Untagged rows send NULL: most lists carry no tags, and NULL costs nothing to parse.
  const tags = rows.map((row) => (row.tags && Object.keys(row.tags).length > 0 ? JSON.stringify(row.tags) : null));
  const run = () => db.$queryRaw<Array<{ total: number; new_ids: string[] | null }>>`
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
    ), linked AS (
      INSERT INTO proxy_sources (proxy_id, source_id)
      SELECT id, ${sourceId}::uuid FROM upserted
      ON CONFLICT (proxy_id, source_id) DO UPDATE SET last_seen_at = now()
    )
    SELECT count(*)::int AS total, array_agg(id::text) FILTER (WHERE inserted) AS new_ids FROM upserted`;
  const result = await withDeadlockRetry(run);
  return { total: result[0]?.total ?? 0, newIds: result[0]?.new_ids ?? [] };
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
