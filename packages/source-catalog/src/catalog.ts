import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { normalizeSourceUrl } from '@proxy-pool/db';
import { PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { cronProblem, parserProblem } from './source-rules.js';

/** The catalog data file shipped with this package. */
export const CATALOG_FILE = new URL('../catalog.json', import.meta.url);

const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http or https URL');

const entrySchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    url: httpUrl,
    parser: z.string().superRefine((name, ctx) => {
      const problem = parserProblem(name);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    default_protocol: z.enum(PROXY_PROTOCOLS),
    schedule: z.string().superRefine((expression, ctx) => {
      const problem = cronProblem(expression);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    note: z.string().min(1).max(300),
  })
  .strict();

const catalogSchema = z
  .object({ $comment: z.string().optional(), sources: z.array(entrySchema).min(1) })
  .strict()
  .superRefine(({ sources }, ctx) => {
    const names = new Set<string>();
    const urls = new Set<string>();
    sources.forEach((entry, index) => {
      if (names.has(entry.name))
        ctx.addIssue({ code: 'custom', path: ['sources', index, 'name'], message: `duplicate name ${entry.name}` });
      const url = normalizeSourceUrl(entry.url);
      if (urls.has(url))
        ctx.addIssue({ code: 'custom', path: ['sources', index, 'url'], message: `duplicate URL ${url}` });
      names.add(entry.name);
      urls.add(url);
    });
  });

/** A catalog file that cannot be used; the message lists every problem, one a line. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/** One public proxy list of the catalog. */
export type CatalogEntry = z.infer<typeof entrySchema>;

/**
 * The catalog's entries, parsed and validated (parser registered, cron line valid, names and URLs unique).
 * `text` replaces the shipped file (a catalog of one's own). Throws one error listing every problem, each
 * as `sources.<index>.<field>: <message>`.
 */
export function loadCatalog(text: string = readFileSync(CATALOG_FILE, 'utf8')): CatalogEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(`Invalid source catalog: not JSON (${(error as Error).message})`);
  }
  const parsed = catalogSchema.safeParse(json);
  if (parsed.success) return parsed.data.sources;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(catalog)'}: ${issue.message}`);
  throw new CatalogError(`Invalid source catalog:\n  ${problems.join('\n  ')}`);
}
