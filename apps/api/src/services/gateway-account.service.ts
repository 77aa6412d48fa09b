import { isIP } from 'node:net';
import {
  createGatewayAllowEntry,
  deleteGatewayAllowEntry,
  GatewayParamError,
  listGatewayAllowlist,
  listGatewayUsage,
  parseParamList,
  type Database,
  type GatewayAllowEntryRow,
} from '@proxy-pool/db';
import { AppError, notFound } from '../errors.js';
import { assertId } from '../http/path-ids.js';

/** Entries one user may keep: each is looked up for every gateway connection without credentials. */
export const ALLOWLIST_LIMIT = 100;

export interface GatewayUsageView {
  items: Array<{
    api_key_id: string;
    prefix: string;
    label: string;
    connections: number;
    bytes_in: number;
    bytes_out: number;
    updated_at: string | null;
  }>;
  total: { connections: number; bytes_in: number; bytes_out: number };
}

/** The caller's gateway traffic, per API key and in total. */
export async function getGatewayUsage(db: Database, userId: string): Promise<GatewayUsageView> {
  const rows = await listGatewayUsage(db, userId);
  const items = rows.map((row) => ({
    api_key_id: row.apiKeyId,
    prefix: row.prefix,
    label: row.label,
    connections: row.connections,
    bytes_in: row.bytesIn,
    bytes_out: row.bytesOut,
    updated_at: row.updatedAt?.toISOString() ?? null,
  }));
  const sum = (pick: (item: (typeof items)[number]) => number) => items.reduce((total, item) => total + pick(item), 0);
  return {
    items,
    total: {
      connections: sum((i) => i.connections),
      bytes_in: sum((i) => i.bytes_in),
      bytes_out: sum((i) => i.bytes_out),
    },
  };
}

export interface AllowEntryView {
  id: string;
  api_key_id: string;
  cidr: string;
  params: string;
  created_at: string;
}

const renderEntry = (row: GatewayAllowEntryRow): AllowEntryView => ({
  id: row.id,
  api_key_id: row.apiKeyId,
  cidr: row.cidr,
  params: row.params,
  created_at: row.createdAt.toISOString(),
});

export async function listAllowlist(
  db: Database,
  userId: string,
): Promise<{ items: AllowEntryView[]; next_cursor: null; total_count: number }> {
  const items = (await listGatewayAllowlist(db, userId)).map(renderEntry);
  return { items, next_cursor: null, total_count: items.length };
}

/** `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`: an address or a block whose host bits are zero. */
export function normalizeCidr(value: string): string | null {
  const [address = '', bits, extra] = value.trim().split('/');
  if (extra !== undefined) return null;
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  if (bits === undefined) return `${address}/${max}`;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return null;
  return `${address}/${Number(bits)}`;
}

export async function addAllowEntry(
  db: Database,
  caller: { userId: string; apiKeyId: string },
  input: { cidr: string; params: string; api_key_id?: string },
): Promise<AllowEntryView> {
  const cidr = normalizeCidr(input.cidr);
  if (cidr === null)
    throw new AppError('VALIDATION_ERROR', 'cidr must be an IPv4/IPv6 address or CIDR block.', {
      fields: [{ field: 'cidr', message: 'not an address or CIDR block' }],
    });
  try {
    parseParamList(input.params);
  } catch (error) {
    if (!(error instanceof GatewayParamError)) throw error;
    throw new AppError('VALIDATION_ERROR', error.message, { fields: [{ field: 'params', message: error.message }] });
  }
  if ((await listGatewayAllowlist(db, caller.userId)).length >= ALLOWLIST_LIMIT) {
    throw new AppError('CONFLICT', `You can keep at most ${ALLOWLIST_LIMIT} allowlist entries; delete one first.`, {
      limit: ALLOWLIST_LIMIT,
    });
  }
  const apiKeyId = input.api_key_id ?? caller.apiKeyId;
  let created: Awaited<ReturnType<typeof createGatewayAllowEntry>>;
  try {
    created = await createGatewayAllowEntry(db, { userId: caller.userId, apiKeyId, cidr, params: input.params });
  } catch (error) {
    // PostgreSQL refuses a block with host bits set (203.0.113.7/24): the caller meant its network.
    if ((error as { code?: string }).code === '22P02') {
      throw new AppError('VALIDATION_ERROR', 'cidr has bits set to the right of the mask (e.g. use 203.0.113.0/24).', {
        fields: [{ field: 'cidr', message: 'host bits set' }],
      });
    }
    throw error;
  }
  if (created.kind === 'no_key') throw notFound('API key');
  if (created.kind === 'taken') throw new AppError('CONFLICT', `${cidr} is already on an allowlist.`, { cidr });
  return renderEntry(created.entry);
}

export async function removeAllowEntry(db: Database, userId: string, entryId: string): Promise<void> {
  assertId(entryId, 'Allowlist entry');
  if (!(await deleteGatewayAllowEntry(db, userId, entryId))) throw notFound('Allowlist entry');
}
