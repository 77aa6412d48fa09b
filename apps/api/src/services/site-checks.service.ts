import {
  olderThan,
  Prisma,
  SITE_CHECK_WINDOW_INTERVALS,
  siteCheckFigures,
  type Database,
  type SiteCheck,
} from '@proxy-pool/db';
import { checkUrl } from '@proxy-pool/ssrf';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, cursorPosition, toPage, type Page, type PageRequest } from '../http/pagination.js';
import { assertId } from '../http/path-ids.js';
import type { SiteCheckView } from '../openapi/responses/site-checks.responses.js';

/** A site check's name, as `works_for=` names it too. */
export const siteCheckNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 of a-z, 0-9, _ and -, starting with a letter or digit');

export interface SiteCheckInput {
  name: string;
  url: string;
  expected_status: number;
  body_substring?: string | null | undefined;
  body_regex?: string | null | undefined;
  interval_seconds: number;
  sample_size: number;
  is_active: boolean;
}

export type SiteCheckPatch = Partial<SiteCheckInput>;

export function renderSiteCheck(row: SiteCheck, figures = { checked: 0, passing: 0 }): SiteCheckView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    expected_status: row.expectedStatus,
    body_substring: row.bodySubstring,
    body_regex: row.bodyRegex,
    interval_seconds: row.intervalSeconds,
    sample_size: row.sampleSize,
    is_active: row.isActive,
    last_run_at: row.lastRunAt?.toISOString() ?? null,
    window_seconds: row.intervalSeconds * SITE_CHECK_WINDOW_INTERVALS,
    proxies_checked: figures.checked,
    proxies_passing: figures.passing,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

async function withFigures(db: Database, rows: SiteCheck[]): Promise<SiteCheckView[]> {
  const figures = await siteCheckFigures(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => renderSiteCheck(row, figures.get(row.id)));
}

export async function listSiteChecks(
  ctx: ApiContext,
  query: PageRequest & { is_active?: boolean | undefined },
): Promise<Page<SiteCheckView>> {
  const after = cursorPosition(query.cursor);
  const where = query.is_active === undefined ? {} : { isActive: query.is_active };
  const [rows, total] = await Promise.all([
    ctx.db.siteCheck.findMany({
      where: { ...where, ...olderThan(after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    }),
    ctx.db.siteCheck.count({ where }),
  ]);
  const page = toPage(rows, query.limit, total, (row) => row, createdAtPosition);
  return { ...page, items: await withFigures(ctx.db, page.items) };
}

async function findRow(ctx: ApiContext, id: string): Promise<SiteCheck> {
  assertId(id, 'Site check');
  const row = await ctx.db.siteCheck.findUnique({ where: { id } });
  if (row === null) throw notFound('Site check');
  return row;
}

export async function getSiteCheck(ctx: ApiContext, id: string): Promise<SiteCheckView> {
  const [view] = await withFigures(ctx.db, [await findRow(ctx, id)]);
  return view!;
}

async function assertSafeUrl(ctx: ApiContext, url: string): Promise<void> {
  const verdict = await checkUrl(url, { allowPrivate: ctx.config.ALLOW_PRIVATE_TARGETS });
  if (!verdict.ok)
    throw new AppError('UNSAFE_URL', `The site check URL is not allowed: ${verdict.reason}.`, {
      field: 'url',
      reason: verdict.reason,
    });
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

async function siteCheckExists(ctx: ApiContext, name: string): Promise<AppError> {
  const existing = await ctx.db.siteCheck.findUnique({ where: { name }, select: { id: true } });
  return new AppError('SITE_CHECK_EXISTS', `A site check named "${name}" exists already.`, {
    field: 'name',
    ...(existing === null ? {} : { site_check_id: existing.id }),
  });
}

const columns = (input: SiteCheckPatch) => ({
  ...(input.name === undefined ? {} : { name: input.name }),
  ...(input.url === undefined ? {} : { url: input.url }),
  ...(input.expected_status === undefined ? {} : { expectedStatus: input.expected_status }),
  ...(input.body_substring === undefined ? {} : { bodySubstring: input.body_substring }),
  ...(input.body_regex === undefined ? {} : { bodyRegex: input.body_regex }),
  ...(input.interval_seconds === undefined ? {} : { intervalSeconds: input.interval_seconds }),
  ...(input.sample_size === undefined ? {} : { sampleSize: input.sample_size }),
  ...(input.is_active === undefined ? {} : { isActive: input.is_active }),
});

/** Stores a new check; its first run starts at the next sweep. A name taken (also concurrently) is 409. */
export async function createSiteCheck(ctx: ApiContext, input: SiteCheckInput): Promise<SiteCheckView> {
  await assertSafeUrl(ctx, input.url);
  const data = { ...columns(input), name: input.name, url: input.url };
  const row = await ctx.db.siteCheck.create({ data }).catch(async (error: unknown) => {
    if (isUniqueViolation(error)) throw await siteCheckExists(ctx, input.name);
    throw error;
  });
  return renderSiteCheck(row);
}

/** Changes only the given fields; results already stored stay (they age out of the window). */
export async function updateSiteCheck(ctx: ApiContext, id: string, patch: SiteCheckPatch): Promise<SiteCheckView> {
  const before = await findRow(ctx, id);
  if (patch.url !== undefined) await assertSafeUrl(ctx, patch.url);
  const data = columns(patch);
  if (Object.keys(data).length === 0) return getSiteCheck(ctx, before.id);
  await ctx.db.siteCheck.update({ where: { id }, data }).catch(async (error: unknown) => {
    if (patch.name !== undefined && isUniqueViolation(error)) throw await siteCheckExists(ctx, patch.name);
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') throw notFound('Site check');
    throw error;
  });
  return getSiteCheck(ctx, id);
}

/** Deletes the check and its results (the per-site figures it fed stay). */
export async function deleteSiteCheck(ctx: ApiContext, id: string): Promise<void> {
  assertId(id, 'Site check');
  const { count } = await ctx.db.siteCheck.deleteMany({ where: { id } });
  if (count === 0) throw notFound('Site check');
}

/**
 * `works_for=<name>` names a site check: an unknown name is 400 UNKNOWN_SITE_CHECK (a mistake in the request,
 * kept apart from "no proxy matches", which is an empty page or acquire's 404).
 */
export async function assertKnownSiteCheck(ctx: ApiContext, name: string): Promise<void> {
  const row = await ctx.db.siteCheck.findUnique({ where: { name }, select: { id: true } });
  if (row === null)
    throw new AppError('UNKNOWN_SITE_CHECK', `No site check is named "${name}".`, { field: 'works_for', name });
}
