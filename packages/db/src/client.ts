import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/client/index.js';
import type { Prisma } from '../generated/client/index.js';
import { raiseDatabaseError } from './dependency-errors.js';

export interface DatabaseOptions {
  url: string;
  /** Connections in this process's pool. */
  poolSize?: number;
}

/**
 * A Prisma client over node-postgres (no native engine involved), plus the pool it runs on: hot paths
 * (authentication, proxy pages, acquire) send their SQL straight to `pool` with {@link sqlRows}, skipping the
 * Prisma runtime's per-query work; both share the same connections.
 */
export type Database = PrismaClient & { readonly pool: pg.Pool };

/** Anything that runs a query: the pool, or one connection checked out of it (for a transaction). */
export type SqlRunner = Pick<pg.Pool, 'query'>;

export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 2_000,
  });
  // An idle connection whose server went away (restart, failover, terminated backend) reports it here; the pool
  // drops that connection and opens another on next use. Without a listener the process would crash on it.
  pool.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  Object.defineProperty(client, 'pool', { value: pool, enumerable: false });
  // The pool is this function's, not Prisma's: a process that only ran raw queries never started Prisma's
  // engine, and Prisma's own disconnect would then leave the pool's connections open.
  const disconnectPrisma = client.$disconnect.bind(client);
  Object.defineProperty(client, '$disconnect', {
    value: async () => {
      await disconnectPrisma();
      if (!pool.ending && !pool.ended) await pool.end();
    },
  });
  return client as Database;
}

/**
 * The rows of a query built with `Prisma.sql` (placeholders $1..$n), straight through node-postgres. Types
 * as node-postgres parses them: real/double and int as numbers, bigint and numeric as strings, timestamps as
 * Dates, json as values.
 */
export async function sqlRows<T extends object>(runner: SqlRunner, query: Prisma.Sql): Promise<T[]> {
  const result = await runner.query<T>(query.text, query.values as unknown[]).catch(raiseDatabaseError);
  return result.rows;
}

const preparedNames = new Map<string, string>();

/**
 * Like {@link sqlRows}, as a named prepared statement: each connection plans the statement's text once and
 * reuses the plan for later values (PostgreSQL switches to a generic plan after a few executions). For hot,
 * fixed-shape statements whose planning costs more than their execution; not for queries whose best plan
 * depends on the values.
 */
export async function preparedRows<T extends object>(runner: SqlRunner, query: Prisma.Sql): Promise<T[]> {
  const text = query.text;
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = `pp_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  const result = await runner.query<T>({ name, text, values: query.values as unknown[] }).catch(raiseDatabaseError);
  return result.rows;
}

/**
 * Runs `work` on one connection of `pool` between BEGIN and COMMIT (ROLLBACK when it throws). A connection
 * that cannot be had or is lost on the way raises DependencyUnavailableError.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch(raiseDatabaseError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    raiseDatabaseError(error);
  } finally {
    client.release();
  }
}

/** True when the database answers a trivial query within `timeoutMs`. */
export async function pingDatabase(db: Database, timeoutMs = 1_500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = db.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
