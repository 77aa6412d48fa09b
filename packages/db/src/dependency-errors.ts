import { causeChain, DependencyUnavailableError, isConnectionError } from '@proxy-pool/dependency-errors';
import pg from 'pg';
import { Prisma } from '../generated/client/index.js';

/**
 * SQLSTATEs of a server that cannot serve: class 08 (connection exception), 57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now (starting up, shutting down, recovering), 57P05 idle session timeout,
 * 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);
const isUnavailableSqlState = (code: unknown) =>
  typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code));

/**
 * node-postgres and pg-pool report a lost or impossible connection as plain Errors with these fixed texts
 * (they export no classes or codes for them): the only way to tell them apart from a failed statement.
 */
const NODE_POSTGRES_CONNECTION_MESSAGES = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
]);

/** Prisma's codes for "cannot reach / lost / timed out / pool exhausted / too many connections". */
const PRISMA_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);

/** The kinds Prisma's driver adapter gives connection failures (`DriverAdapterError.cause.kind`). */
const ADAPTER_UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

function isPostgresUnavailable(error: unknown): boolean {
  if (error instanceof DependencyUnavailableError) return error.dependency === 'postgres';
  if (isConnectionError(error)) return true;
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (PRISMA_UNAVAILABLE_CODES.has(error.code)) return true;
    // A raw query (P2010) carries the adapter's error.
    const adapterError = (error.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
    return adapterError !== undefined && isPostgresUnavailable(adapterError);
  }
  // node-postgres's answer from the server, with its SQLSTATE.
  if (error instanceof pg.DatabaseError) return isUnavailableSqlState(error.code);
  const failure = error as { name?: unknown; cause?: { kind?: unknown; code?: unknown } };
  // Prisma's DriverAdapterError (its class is not exported): the pg error, translated to a `kind`.
  if (failure.name === 'DriverAdapterError') {
    const kind = failure.cause?.kind;
    return (
      (typeof kind === 'string' && ADAPTER_UNAVAILABLE_KINDS.has(kind)) ||
      (kind === 'postgres' && isUnavailableSqlState(failure.cause?.code))
    );
  }
  return error instanceof Error && error.constructor === Error && NODE_POSTGRES_CONNECTION_MESSAGES.has(error.message);
}

/**
 * The error as a {@link DependencyUnavailableError} when it says PostgreSQL cannot serve right now (also when
 * that is one of its causes), else null. Recognises node-postgres, pg-pool and Prisma errors.
 */
export function databaseUnavailable(error: unknown): DependencyUnavailableError | null {
  for (const link of causeChain(error)) {
    if (link instanceof DependencyUnavailableError) return link.dependency === 'postgres' ? link : null;
    if (isPostgresUnavailable(link)) {
      return new DependencyUnavailableError(
        'postgres',
        `PostgreSQL is unavailable: ${(link as Error).message ?? String(link)}`,
        { cause: error },
      );
    }
  }
  return null;
}

/** Rethrows a database failure as DependencyUnavailableError when it is one, unchanged otherwise. */
export function raiseDatabaseError(error: unknown): never {
  throw databaseUnavailable(error) ?? error;
}
