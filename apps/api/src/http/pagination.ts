import type { CreatedAtPosition } from '@proxy-pool/db';
import { z } from 'zod';
import { AppError } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `limit` and `cursor` query parameters shared by every list endpoint. */
export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(2048).optional(),
};

/** A list request after validation: `limit` defaulted and bounded, `cursor` as the client sent it. */
export type PageRequest = z.output<z.ZodObject<typeof pageQueryShape>>;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total_count: number;
}

/** Cursors are opaque base64url JSON: the sort key values of the last item of the previous page. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(cursor: string | undefined, schema: S): z.infer<S> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('INVALID_CURSOR', 'The cursor is malformed or belongs to another query.', {
      cursor: cursor.slice(0, 64),
    });
  }
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells whether a next page exists.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  totalCount: number,
  render: (row: Row) => Item,
  positionOf: (row: Row) => Record<string, unknown>,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(render),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
    total_count: totalCount,
  };
}

/** Seek pagination over (created_at, id), newest first: the shape most lists use. */
export const createdAtCursorSchema = z.object({ t: z.string().datetime(), id: z.string().uuid() });

export function createdAtPosition(row: { createdAt: Date; id: string }): Record<string, unknown> {
  return { t: row.createdAt.toISOString(), id: row.id };
}

/** Decodes a newest-first (created_at, id) cursor; a malformed one is 400 INVALID_CURSOR. */
export function cursorPosition(cursor: string | undefined): CreatedAtPosition | undefined {
  const decoded = decodeCursor(cursor, createdAtCursorSchema);
  return decoded ? { createdAt: new Date(decoded.t), id: decoded.id } : undefined;
}
