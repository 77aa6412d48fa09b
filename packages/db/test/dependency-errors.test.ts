import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DependencyUnavailableError } from '@proxy-pool/dependency-errors';
import { createDatabase, databaseUnavailable, inTransaction, sqlRows, Prisma } from '../src/index.js';

/** A server that answers every startup the way PostgreSQL does while it shuts down. */
let shuttingDown: Server;
let shuttingDownUrl: string;

beforeAll(async () => {
  const fields = Buffer.from('SFATAL\0VFATAL\0C57P03\0Mthe database system is shutting down\0\0');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  shuttingDown = createServer((socket) => socket.once('data', () => socket.end(Buffer.concat([header, fields]))));
  await new Promise<void>((resolve) => shuttingDown.listen(0, '127.0.0.1', resolve));
  shuttingDownUrl = `postgresql://postgres@127.0.0.1:${(shuttingDown.address() as AddressInfo).port}/none`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => shuttingDown.close(() => resolve()));
});

async function failure(
  url: string,
  run: (db: ReturnType<typeof createDatabase>) => Promise<unknown>,
): Promise<unknown> {
  const db = createDatabase({ url, poolSize: 1 });
  try {
    await run(db);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await db.$disconnect().catch(() => undefined);
  }
}

describe('database errors classified by type', () => {
  it.each([
    ['a server shutting down (57P03)', () => shuttingDownUrl],
    ['a refused connection (ECONNREFUSED)', () => 'postgresql://postgres@127.0.0.1:1/none'],
  ])('%s: raw SQL raises DependencyUnavailableError, Prisma errors are recognised as one', async (_name, url) => {
    const raw = await failure(url(), (db) => sqlRows(db.pool, Prisma.sql`SELECT 1`));
    expect(raw).toBeInstanceOf(DependencyUnavailableError);
    expect((raw as DependencyUnavailableError).dependency).toBe('postgres');
    expect(await failure(url(), (db) => inTransaction(db.pool, async () => undefined))).toBeInstanceOf(
      DependencyUnavailableError,
    );
    for (const prismaFailure of [
      await failure(url(), (db) => db.user.findFirst()),
      await failure(url(), (db) => db.$queryRaw`SELECT 1`),
    ]) {
      expect(prismaFailure).not.toBeInstanceOf(DependencyUnavailableError);
      expect(databaseUnavailable(prismaFailure)?.dependency).toBe('postgres');
    }
  });

  it('leaves errors of the statement itself alone', async () => {
    const url = process.env.DATABASE_URL!;
    const syntax = await failure(url, (db) => sqlRows(db.pool, Prisma.sql`SELEC 1`));
    expect(syntax).not.toBeInstanceOf(DependencyUnavailableError);
    expect(databaseUnavailable(syntax)).toBeNull();
    expect(databaseUnavailable(await failure(url, (db) => db.$queryRaw`SELECT 'x'::int`))).toBeNull();
    expect(databaseUnavailable(new Error('connect ECONNREFUSED in a message only'))).toBeNull();
  });
});
