import { CronExpressionParser } from 'cron-parser';
import { listSourcesPage, type Source } from '@proxy-pool/db';
import { redact } from '@proxy-pool/logger';
import { builtinParsers, detectParser } from '@proxy-pool/parsers';
import type { ProxyProtocol, SourceParser } from '@proxy-pool/plugin-contracts';
import { removeSourceSchedule, SOURCE_SCHEDULE_TZ, syncSourceSchedule } from '@proxy-pool/queues';
import { checkUrl } from '@proxy-pool/ssrf';
import type { ApiContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, toPage, type Page } from '../http/pagination.js';
import { assertId, cursorPosition, type PageRequest } from './accounts.service.js';
import { withQueue } from './queue-guard.js';
import { createSampleFetcher } from './source-sample.js';

/** The parsers the API accepts by name and asks during auto-detection (the scraper registers the same list). */
export const registeredParsers: readonly SourceParser[] = builtinParsers;

/** A source as the API shows it: the spec's fields plus its scrape health. */
export interface SourceView {
  id: string;
  url: string;
  parser_name: string;
  cron_schedule: string;
  default_protocol: ProxyProtocol;
  is_active: boolean;
  last_scraped_at: string | null;
  created_at: string;
  updated_at: string;
  last_error: string | null;
  consecutive_failures: number;
  last_discovered: number | null;
  last_new: number | null;
  last_skipped: number | null;
}

export interface SourceInput {
  url: string;
  parser_name?: string | undefined;
  cron_schedule: string;
  default_protocol: ProxyProtocol;
  is_active: boolean;
}

export type SourcePatch = Partial<SourceInput>;

export function renderSource(row: Source): SourceView {
  return {
    id: row.id,
    // Anyone with a key may read sources; credentials inside a list URL are not theirs to see.
    url: redact(row.url) as string,
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

export async function listSources(ctx: ApiContext, query: PageRequest & { is_active?: boolean | undefined }): Promise<Page<SourceView>> {
  const after = cursorPosition(query.cursor);
  const { rows, total } = await listSourcesPage(ctx.db, { isActive: query.is_active, after, take: query.limit + 1 });
  return toPage(rows, query.limit, total, renderSource, createdAtPosition);
}

export async function findSource(ctx: ApiContext, id: string): Promise<Source> {
  assertId(id, 'Source');
  const row = await ctx.db.source.findUnique({ where: { id } });
  if (row === null) throw notFound('Source');
  return row;
}

const fieldError = (field: string, message: string) => new AppError('VALIDATION_ERROR', `Invalid body: ${field}.`, { fields: [{ field, message }] });

/** 422 with cron-parser's own reason unless the expression is a 5- or 6-field cron line or an @alias. */
export function assertCron(expression: string): void {
  const fields = expression.trim().split(/\s+/).length;
  if (!expression.trim().startsWith('@') && (fields < 5 || fields > 6)) {
    throw fieldError('cron_schedule', `expected 5 fields (minute hour day month weekday) or 6 with seconds, got ${fields}`);
  }
  try {
    CronExpressionParser.parse(expression, { tz: SOURCE_SCHEDULE_TZ });
  } catch (error) {
    throw fieldError('cron_schedule', (error as Error).message);
  }
}

function assertParserName(name: string): void {
  if (registeredParsers.some((parser) => parser.name === name)) return;
  throw fieldError('parser_name', `unknown parser "${name}"; registered: ${registeredParsers.map((parser) => parser.name).join(', ')}`);
}

async function assertSafeUrl(ctx: ApiContext, url: string): Promise<void> {
  const verdict = await checkUrl(url, { allowPrivate: ctx.config.ALLOW_PRIVATE_TARGETS });
  if (!verdict.ok) throw new AppError('UNSAFE_URL', `The source URL is not allowed: ${verdict.reason}.`, { field: 'url', reason: verdict.reason });
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
  const parsers = registeredParsers.map((parser) => parser.name);
  if (!fetched.ok) {
    throw new AppError('NO_MATCHING_PARSER', `Cannot auto-detect the format: fetching a sample failed (${fetched.reason}). Give parser_name.`, {
      reason: fetched.reason,
      parsers,
    });
  }
  const parser = detectParser(registeredParsers, fetched.sample);
  if (parser === null) {
    throw new AppError('NO_MATCHING_PARSER', 'No registered parser recognises this source. Give parser_name or check the URL.', { parsers });
  }
  return parser.name;
}

/** Validates, detects the parser when none is given, stores the source, then schedules it. */
export async function createSource(ctx: ApiContext, input: SourceInput): Promise<SourceView> {
  assertCron(input.cron_schedule);
  if (input.parser_name !== undefined) assertParserName(input.parser_name);
  await assertSafeUrl(ctx, input.url);
  const parserName = input.parser_name ?? (await detectParserName(ctx, input.url));
  const row = await ctx.db.source.create({
    data: { url: input.url, parserName, cronSchedule: input.cron_schedule, defaultProtocol: input.default_protocol, isActive: input.is_active },
  });
  // Committed first, scheduled second (the scraper's reconcile relies on that order); no scheduler, no source.
  await withQueue(ctx, () => syncSourceSchedule(ctx.queues.scrape, row)).catch(async (error: unknown) => {
    await ctx.db.source.delete({ where: { id: row.id } }).catch(() => undefined);
    throw error;
  });
  return renderSource(row);
}

/** Changes only the given fields; the scheduler follows the new schedule and activity. */
export async function updateSource(ctx: ApiContext, id: string, patch: SourcePatch): Promise<SourceView> {
  const before = await findSource(ctx, id);
  if (patch.cron_schedule !== undefined) assertCron(patch.cron_schedule);
  if (patch.parser_name !== undefined) assertParserName(patch.parser_name);
  if (patch.url !== undefined) await assertSafeUrl(ctx, patch.url);
  const data = {
    ...(patch.url === undefined ? {} : { url: patch.url }),
    ...(patch.parser_name === undefined ? {} : { parserName: patch.parser_name }),
    ...(patch.cron_schedule === undefined ? {} : { cronSchedule: patch.cron_schedule }),
    ...(patch.default_protocol === undefined ? {} : { defaultProtocol: patch.default_protocol }),
    ...(patch.is_active === undefined ? {} : { isActive: patch.is_active }),
  };
  if (Object.keys(data).length === 0) return renderSource(before);
  const row = await ctx.db.source.update({ where: { id }, data });
  if (row.cronSchedule !== before.cronSchedule || row.isActive !== before.isActive) {
    await withQueue(ctx, () => syncSourceSchedule(ctx.queues.scrape, row)).catch(async (error: unknown) => {
      const { cronSchedule, isActive } = before;
      await ctx.db.source.update({ where: { id }, data: { cronSchedule, isActive } }).catch(() => undefined);
      throw error;
    });
  }
  return renderSource(row);
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
