import {
  findSourceByUrl,
  isUniqueUrlViolation,
  listSourcesPage,
  normalizeSourceUrl,
  type Source,
} from '@proxy-pool/db';
import { detectParser } from '@proxy-pool/parsers';
import type { ProxyProtocol } from '@proxy-pool/plugin-contracts';
import { removeSourceSchedule, syncSourceSchedule } from '@proxy-pool/queues';
import {
  createScheduledSource,
  cronProblem,
  parserProblem,
  protocolFromUrlPath,
  SOURCE_PARSERS,
} from '@proxy-pool/source-catalog';
import { checkUrl } from '@proxy-pool/ssrf';
import type { ApiContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, cursorPosition, toPage, type Page, type PageRequest } from '../http/pagination.js';
import { assertId } from '../http/path-ids.js';
import type { AuthContext } from '../http/request-types.js';
import type { SourceView } from '../openapi/responses/sources.responses.js';
import { withQueue } from './queue-guard.js';
import { createSampleFetcher } from './source-sample.js';
import { visibleSourceUrl } from './source-url-view.js';

/** Who reads a source: admins see its URL whole, other users without query string (see visibleSourceUrl). */
export type SourceReader = AuthContext['role'];

export interface SourceInput {
  url: string;
  parser_name?: string | undefined;
  cron_schedule: string;
  /** Omitted: the protocol the URL path names (`/socks5.txt`), else http. */
  default_protocol?: ProxyProtocol | undefined;
  is_active: boolean;
}

export type SourcePatch = Partial<SourceInput>;

export function renderSource(row: Source, reader: SourceReader): SourceView {
  return {
    id: row.id,
    url: visibleSourceUrl(row.url, reader),
    parser_name: row.parserName,
    cron_schedule: row.cronSchedule,
    default_protocol: row.defaultProtocol,
    is_active: row.isActive,
    last_scraped_at: row.lastScrapedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    last_error: row.lastError,
    consecutive_failures: row.consecutiveFailures,
    last_discovered: row.lastDiscovered,
    last_new: row.lastNew,
    last_skipped: row.lastSkipped,
  };
}

export async function listSources(
  ctx: ApiContext,
  query: PageRequest & { is_active?: boolean | undefined },
  reader: SourceReader,
): Promise<Page<SourceView>> {
  const after = cursorPosition(query.cursor);
  const { rows, total } = await listSourcesPage(ctx.db, { isActive: query.is_active, after, take: query.limit + 1 });
  return toPage(rows, query.limit, total, (row) => renderSource(row, reader), createdAtPosition);
}

export async function findSource(ctx: ApiContext, id: string): Promise<Source> {
  assertId(id, 'Source');
  const row = await ctx.db.source.findUnique({ where: { id } });
  if (row === null) throw notFound('Source');
  return row;
}

const fieldError = (field: string, message: string) =>
  new AppError('VALIDATION_ERROR', `Invalid body: ${field}.`, { fields: [{ field, message }] });

/** 422 with cron-parser's own reason unless the expression is a 5- or 6-field cron line or an @alias. */
function assertCron(expression: string): void {
  const problem = cronProblem(expression);
  if (problem !== null) throw fieldError('cron_schedule', problem);
}

function assertParserName(name: string): void {
  const problem = parserProblem(name);
  if (problem !== null) throw fieldError('parser_name', problem);
}

/** 409 naming the source that already lists this URL (compared normalised, see normalizeSourceUrl). */
function sourceExists(url: string, existing: Source | null): AppError {
  return new AppError('SOURCE_EXISTS', 'A source with this URL exists already.', {
    field: 'url',
    url: visibleSourceUrl(normalizeSourceUrl(url), 'admin'),
    ...(existing === null ? {} : { source_id: existing.id }),
  });
}

async function assertSafeUrl(ctx: ApiContext, url: string): Promise<void> {
  const verdict = await checkUrl(url, { allowPrivate: ctx.config.ALLOW_PRIVATE_TARGETS });
  if (!verdict.ok)
    throw new AppError('UNSAFE_URL', `The source URL is not allowed: ${verdict.reason}.`, {
      field: 'url',
      reason: verdict.reason,
    });
}

const samplers = new WeakMap<ApiContext, ReturnType<typeof createSampleFetcher>>();

/** Fetches a sample of the list and asks every registered parser's `supports()`; none claims it → 422. */
async function detectParserName(ctx: ApiContext, url: string): Promise<string> {
  let sampler = samplers.get(ctx);
  if (sampler === undefined) {
    sampler = createSampleFetcher({
      allowPrivate: ctx.config.ALLOW_PRIVATE_TARGETS,
      timeoutMs: ctx.config.SOURCE_SAMPLE_TIMEOUT_MS,
      maxBytes: ctx.config.SOURCE_SAMPLE_MAX_BYTES,
    });
    samplers.set(ctx, sampler);
  }
  const fetched = await sampler(url);
  const parsers = SOURCE_PARSERS.map((parser) => parser.name);
  if (!fetched.ok) {
    throw new AppError(
      'NO_MATCHING_PARSER',
      `Cannot auto-detect the format: fetching a sample failed (${fetched.reason}). Give parser_name.`,
      {
        reason: fetched.reason,
        parsers,
      },
    );
  }
  const parser = detectParser(SOURCE_PARSERS, fetched.sample);
  if (parser === null) {
    throw new AppError(
      'NO_MATCHING_PARSER',
      'No registered parser recognises this source. Give parser_name or check the URL.',
      { parsers },
    );
  }
  return parser.name;
}

/**
 * Validates, refuses a URL that has a source already (before any sample is fetched), detects the parser
 * when none is given, stores the source and schedules it. A concurrent create of the same URL loses on the
 * unique index and gets the same 409.
 */
export async function createSource(ctx: ApiContext, input: SourceInput): Promise<SourceView> {
  assertCron(input.cron_schedule);
  if (input.parser_name !== undefined) assertParserName(input.parser_name);
  await assertSafeUrl(ctx, input.url);
  const existing = await findSourceByUrl(ctx.db, input.url);
  if (existing !== null) throw sourceExists(input.url, existing);
  const parserName = input.parser_name ?? (await detectParserName(ctx, input.url));
  const defaultProtocol = input.default_protocol ?? protocolFromUrlPath(input.url) ?? 'http';
  const row = await createScheduledSource(
    ctx.db,
    { url: input.url, parserName, cronSchedule: input.cron_schedule, defaultProtocol, isActive: input.is_active },
    (source) => withQueue(ctx, () => syncSourceSchedule(ctx.queues.scrape, source)),
  );
  if (row === null) throw sourceExists(input.url, await findSourceByUrl(ctx.db, input.url));
  return renderSource(row, 'admin');
}

/** Changes only the given fields; the scheduler follows the new schedule and activity. */
export async function updateSource(ctx: ApiContext, id: string, patch: SourcePatch): Promise<SourceView> {
  const before = await findSource(ctx, id);
  if (patch.cron_schedule !== undefined) assertCron(patch.cron_schedule);
  if (patch.parser_name !== undefined) assertParserName(patch.parser_name);
  if (patch.url !== undefined) await assertSafeUrl(ctx, patch.url);
  const data = {
    ...(patch.url === undefined ? {} : { url: normalizeSourceUrl(patch.url) }),
    ...(patch.parser_name === undefined ? {} : { parserName: patch.parser_name }),
    ...(patch.cron_schedule === undefined ? {} : { cronSchedule: patch.cron_schedule }),
    ...(patch.default_protocol === undefined ? {} : { defaultProtocol: patch.default_protocol }),
    ...(patch.is_active === undefined ? {} : { isActive: patch.is_active }),
  };
  if (Object.keys(data).length === 0) return renderSource(before, 'admin');
  const row = await ctx.db.source.update({ where: { id }, data }).catch(async (error: unknown) => {
    if (patch.url !== undefined && isUniqueUrlViolation(error))
      throw sourceExists(patch.url, await findSourceByUrl(ctx.db, patch.url));
    throw error;
  });
  if (row.cronSchedule !== before.cronSchedule || row.isActive !== before.isActive) {
    await withQueue(ctx, () => syncSourceSchedule(ctx.queues.scrape, row)).catch(async (error: unknown) => {
      const { cronSchedule, isActive } = before;
      await ctx.db.source.update({ where: { id }, data: { cronSchedule, isActive } }).catch(() => undefined);
      throw error;
    });
  }
  return renderSource(row, 'admin');
}

/** Removes the scheduler, then the source; its proxies stay (other sources may list them). */
export async function deleteSource(ctx: ApiContext, id: string): Promise<void> {
  const source = await findSource(ctx, id);
  await withQueue(ctx, () => removeSourceSchedule(ctx.queues.scrape, source.id));
  await ctx.db.source.deleteMany({ where: { id } }).catch(async (error: unknown) => {
    await withQueue(ctx, () => syncSourceSchedule(ctx.queues.scrape, source)).catch(() => undefined);
    throw error;
  });
}
