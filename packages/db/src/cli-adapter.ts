/**
 * The driver adapter the Prisma CLI (migrate, db push, drift check) uses through prisma.config.ts.
 * @prisma/adapter-pg 6.19.3 has three defects that break migrations; this module works around them:
 * 1. catalog columns of type `name` (oid 19) and `"char"` (oid 18) fail to deserialize -> read `name` as
 *    text and `"char"` as the driver-adapter Character type the schema engine expects;
 * 2. executeScript() splits SQL on ';' (breaking $$ bodies and atomicity) -> send the script as one query;
 * 3. connectToShadowDb() reconnects to the main database (connectionString wins over `database`)
 *    -> connect to a separately named shadow database, dropped afterwards.
 * The runtime client (client.ts) does not use this.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const TEXT_OID = 25;
const NAME_OID = 19;
const CHAR_OID = 18;
const CHARACTER_COLUMN_TYPE = 6; // ColumnTypeEnum.Character of @prisma/driver-adapter-utils

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

/** Column positions of `"char"` results, by SQL text (the same SQL always yields the same columns). */
const charColumnsBySql = new Map<string, number[]>();

function sqlText(args: unknown[]): string {
  const first = args[0];
  if (typeof first === 'string') return first;
  return (first as { text?: string } | undefined)?.text ?? '';
}

function retypeCatalogFields<T>(sql: string, result: T): T {
  const charColumns: number[] = [];
  (result as QueryResultLike | undefined)?.fields?.forEach((field, index) => {
    if (field.dataTypeID === CHAR_OID) charColumns.push(index);
    if (field.dataTypeID === CHAR_OID || field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  });
  if (charColumns.length > 0) charColumnsBySql.set(sql, charColumns);
  return result;
}

class CatalogSafeClient extends pg.Client {
  // pg's overloads are many; every form ends either in a callback or a returned promise.
  override query(...args: unknown[]): never {
    const sql = sqlText(args);
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (error: Error | null, result: unknown) => last(error, retypeCatalogFields(sql, result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    return (pending instanceof Promise ? pending.then((r) => retypeCatalogFields(sql, r)) : pending) as never;
  }
}

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;

function patchAdapter(adapter: Adapter, pool: pg.Pool): Adapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumnsBySql.get(query.sql) ?? []) {
      (result.columnTypes as number[])[index] = CHARACTER_COLUMN_TYPE;
    }
    return result;
  };
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      // Kept: onError is protected; it turns a pg error into the DriverAdapterError the migration engine reads.
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export class MigrationPgAdapterFactory extends PrismaPg {
  constructor(
    private readonly url: string,
    private readonly shadowUrl?: string,
  ) {
    super(new pg.Pool({ connectionString: url, Client: CatalogSafeClient }));
  }

  override async connect(): Promise<Adapter> {
    return this.connectTo(this.url, async () => {});
  }

  override async connectToShadowDb(): Promise<Adapter> {
    if (this.shadowUrl) return this.connectTo(this.shadowUrl, async () => {});
    const database = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    // Through the server's maintenance database: the target database need not exist (a drift check on a
    // fresh machine compares migrations with the schema and never touches it).
    const admin = new pg.Pool({ connectionString: withDatabase(this.url, 'postgres'), max: 1 });
    await admin.query(`CREATE DATABASE "${database}"`);
    return this.connectTo(withDatabase(this.url, database), async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    });
  }

  private async connectTo(url: string, afterDispose: () => Promise<void>): Promise<Adapter> {
    const pool = new pg.Pool({ connectionString: url, Client: CatalogSafeClient });
    // Dropping the shadow database terminates its idle connections; that is expected, not a crash.
    pool.on('error', () => undefined);
    const adapter = await new PrismaPg(pool).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await pool.end();
      await afterDispose();
    };
    return patchAdapter(adapter, pool);
  }
}
