import type { Source } from '../generated/client/index.js';
import { Prisma } from '../generated/client/index.js';
import { olderThan } from './accounts.sql.js';
import type { Database } from './client.js';

export interface ScrapeCounts {
  discovered: number;
  new: number;
  skipped: number;
}

/** A successful scrape: yield recorded, failure streak and last error cleared. False when the source is gone. */
export async function recordScrapeSuccess(db: Database, sourceId: string, counts: ScrapeCounts): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE sources SET last_scraped_at = now(), last_discovered = ${counts.discovered}::int, last_new = ${counts.new}::int,
      last_skipped = ${counts.skipped}::int, consecutive_failures = 0, last_error = NULL, updated_at = now()
    WHERE id = ${sourceId}::uuid`;
  return updated > 0;
}

export interface ScrapeFailureRow {
  url: string;
  consecutiveFailures: number;
}

/** A failed scrape: the error kept, the streak incremented atomically (replicas may race). Null when the source is gone. */
export async function recordScrapeFailure(
  db: Database,
  sourceId: string,
  error: string,
): Promise<ScrapeFailureRow | null> {
  const rows = await db.$queryRaw<ScrapeFailureRow[]>`
    UPDATE sources SET consecutive_failures = consecutive_failures + 1, last_error = ${error.slice(0, 2000)}::text, updated_at = now()
    WHERE id = ${sourceId}::uuid
    RETURNING url, consecutive_failures AS "consecutiveFailures"`;
  return rows[0] ?? null;
}

/** Every source's scheduling fields, for the scheduler reconcile. */
export function listSourceSchedules(db: Database): Promise<Array<Pick<Source, 'id' | 'cronSchedule' | 'isActive'>>> {
  return db.source.findMany({ select: { id: true, cronSchedule: true, isActive: true } });
}

export interface SourcePageQuery {
  isActive?: boolean | undefined;
  /** Newest-first seek position: the (created_at, id) of the previous page's last row. */
  after?: { createdAt: Date; id: string } | undefined;
  /** Rows to fetch (callers ask one more than the page size to learn whether a next page exists). */
  take: number;
}

/** A newest-first page of sources and the total matching the filter. */
export async function listSourcesPage(
  db: Database,
  query: SourcePageQuery,
): Promise<{ rows: Source[]; total: number }> {
  const filter = query.isActive === undefined ? {} : { isActive: query.isActive };
  const [rows, total] = await Promise.all([
    db.source.findMany({
      where: { ...filter, ...olderThan(query.after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.take,
    }),
    db.source.count({ where: filter }),
  ]);
  return { rows, total };
}

/**
 * The form a source URL is stored and compared in: the WHATWG URL parser's serialisation (scheme and host
 * lower-cased, default port dropped, an empty path as `/`, percent-encoding made uniform) without the
 * fragment, which never reaches the server. Two spellings of one list therefore meet on `sources_url_key`.
 * Throws on a string that is not a URL (callers validate first).
 */
export function normalizeSourceUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

export interface NewSourceRow {
  url: string;
  parserName: string;
  cronSchedule: string;
  defaultProtocol: Source['defaultProtocol'];
  isActive: boolean;
}

/**
 * Inserts a source under its normalised URL; null when a source with that URL exists already (decided by the
 * unique index, so of two concurrent inserts of one URL exactly one succeeds).
 */
export async function insertSource(db: Database, row: NewSourceRow): Promise<Source | null> {
  try {
    return await db.source.create({ data: { ...row, url: normalizeSourceUrl(row.url) } });
  } catch (error) {
    if (isUniqueUrlViolation(error)) return null;
    throw error;
  }
}

/** The source stored under this URL (compared normalised), if any. */
export function findSourceByUrl(db: Database, url: string): Promise<Source | null> {
  return db.source.findUnique({ where: { url: normalizeSourceUrl(url) } });
}

/**
 * True for Prisma's unique-violation error. On `sources` the only unique key besides the generated id is
 * `sources_url_key`, so for a source write it means: another source has this URL.
 */
export function isUniqueUrlViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
