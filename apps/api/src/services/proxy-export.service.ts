import { queryProxyPage } from '@proxy-pool/db';
import type { ProxyFilters, ProxyPosition, ProxySort, SortOrder } from '@proxy-pool/db';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import type { ProxyItem } from '../openapi/schemas.js';
import { proxyFilterShape, proxySortShape, renderProxy } from './proxies-query.service.js';

export const EXPORT_BATCH_SIZE = 1000;

export const proxyExportQuerySchema = z.object({
  ...proxyFilterShape,
  ...proxySortShape,
  format: z.enum(['txt', 'csv', 'json']).default('txt'),
  /** txt only: `none` writes `ip:port` instead of `protocol://ip:port`. */
  scheme: z.enum(['protocol', 'none']).default('protocol'),
});
export type ProxyExportQuery = z.infer<typeof proxyExportQuerySchema>;

export const EXPORT_CONTENT_TYPES = {
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

const CSV_COLUMNS = [
  'id',
  'ip',
  'port',
  'protocol',
  'status',
  'anonymity',
  'exit_ip',
  'country',
  'asn',
  'as_org',
  'ip_type',
  'mitm',
  'score',
  'avg_latency_ms',
  'uptime_pct',
  'last_checked_at',
  'first_seen_at',
  'tags',
] as const satisfies ReadonlyArray<keyof ProxyItem>;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const hostPort = (item: ProxyItem) => (item.ip.includes(':') ? `[${item.ip}]:${item.port}` : `${item.ip}:${item.port}`);

/** Turns batches of items into the chosen format's text, piece by piece. */
export function exportFormatter(query: Pick<ProxyExportQuery, 'format' | 'scheme'>): {
  head: string;
  batch: (items: ProxyItem[], first: boolean) => string;
  tail: string;
} {
  if (query.format === 'csv') {
    return {
      head: `${CSV_COLUMNS.join(',')}\r\n`,
      batch: (items) =>
        items.map((item) => `${CSV_COLUMNS.map((column) => csvField(item[column])).join(',')}\r\n`).join(''),
      tail: '',
    };
  }
  if (query.format === 'json') {
    return {
      head: '[',
      batch: (items, first) => (first ? '' : ',') + items.map((item) => JSON.stringify(item)).join(','),
      tail: ']\n',
    };
  }
  const line = query.scheme === 'none' ? hostPort : (item: ProxyItem) => `${item.protocol}://${hostPort(item)}`;
  return { head: '', batch: (items) => items.map((item) => `${line(item)}\n`).join(''), tail: '' };
}

/** Every matching proxy, in the requested order, a keyset batch at a time (never the whole set in memory). */
export async function* exportBatches(
  ctx: ApiContext,
  filters: ProxyFilters,
  sort: ProxySort,
  order: SortOrder,
): AsyncGenerator<ProxyItem[]> {
  let after: ProxyPosition | undefined;
  for (;;) {
    const rows = await queryProxyPage(ctx.db, { filters, sort, order, limit: EXPORT_BATCH_SIZE, after });
    if (rows.length > 0) yield rows.map(renderProxy);
    const last = rows[rows.length - 1];
    if (rows.length < EXPORT_BATCH_SIZE || !last) return;
    after = { value: last.sort_key, id: last.id };
  }
}
