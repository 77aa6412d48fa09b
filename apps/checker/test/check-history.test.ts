import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createDatabase,
  maintainCheckHistory,
  openCheckStore,
  recentProxyChecks,
  recordValidations,
  type CheckRow,
  type CheckStore,
  type Database,
  type FiguresUpdate,
} from '@proxy-pool/db';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';

let database: PrivateDatabase;
let db: Database;
let store: CheckStore;
let proxyId: string;

beforeAll(async () => {
  database = await privateDatabase();
  db = createDatabase({ url: database.url, poolSize: 4 });
  store = openCheckStore(database.url, 2);
  proxyId = (await db.proxy.create({ data: { ip: '203.0.113.7', port: 8080, protocol: 'http' } })).id;
});

afterAll(async () => {
  await store?.close();
  await db?.$disconnect();
  await database?.drop();
});

const at = (iso: string) => new Date(iso);

async function insertAt(createdAt: string): Promise<void> {
  await db.$executeRaw`INSERT INTO history.proxy_checks (proxy_id, checker_name, stage, passed, detail, created_at)
    VALUES (${proxyId}::uuid, 'tcp_connect', 1, false, ${createdAt}, ${at(createdAt)})`;
}

/** Which table holds each row, by the row's detail (its own timestamp). */
async function placement(): Promise<Record<string, string>> {
  const rows = await db.$queryRaw<Array<{ detail: string; part: string }>>`
    SELECT detail, tableoid::regclass::text AS part FROM history.proxy_checks WHERE proxy_id = ${proxyId}::uuid`;
  return Object.fromEntries(rows.map((row) => [row.detail, row.part]));
}

async function partitions(): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ name: string }>>`
    SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'history.proxy_checks'::regclass AND c.relname LIKE 'proxy_checks_2030%' ORDER BY 1`;
  return rows.map((row) => row.name);
}

describe('check history: daily partitions', () => {
  it('creates partitions ahead, splits rows at UTC midnight, moves early rows out of the default, drops old days whole', async () => {
    // A minute before midnight: today's and tomorrow's partitions exist before any row needs them.
    expect(await maintainCheckHistory(db, { at: at('2030-03-10T23:59:00Z'), retentionDays: 7, daysAhead: 1 })).toEqual({
      created: 2,
      removed: 0,
    });
    await insertAt('2030-03-10T23:59:59.999Z');
    await insertAt('2030-03-11T00:00:00.000Z');
    // No partition yet for the 13th: the row is kept (default partition), never refused.
    await insertAt('2030-03-13T12:00:00.000Z');
    expect(await placement()).toEqual({
      '2030-03-10T23:59:59.999Z': 'history.proxy_checks_20300310',
      '2030-03-11T00:00:00.000Z': 'history.proxy_checks_20300311',
      '2030-03-13T12:00:00.000Z': 'history.proxy_checks_default',
    });

    // The next day's run creates the missing days and moves the early row into its own partition.
    expect(await maintainCheckHistory(db, { at: at('2030-03-12T00:00:01Z'), retentionDays: 7, daysAhead: 1 })).toEqual({
      created: 2,
      removed: 0,
    });
    expect((await placement())['2030-03-13T12:00:00.000Z']).toBe('history.proxy_checks_20300313');

    // A week later: the 10th ended more than 7 days ago and is dropped whole; the 11th is not over 7 days old yet.
    const later = await maintainCheckHistory(db, { at: at('2030-03-18T00:00:01Z'), retentionDays: 7, daysAhead: 0 });
    expect(later).toEqual({ created: 1, removed: 1 });
    expect(Object.keys(await placement()).sort()).toEqual(['2030-03-11T00:00:00.000Z', '2030-03-13T12:00:00.000Z']);
    expect((await partitions())[0]).toBe('proxy_checks_20300311');
    // The proxy's history still reads through the parent, newest first.
    expect((await recentProxyChecks(db, proxyId, 10)).map((row) => row.detail)).toEqual([
      '2030-03-13T12:00:00.000Z',
      '2030-03-11T00:00:00.000Z',
    ]);
  });

  it('lets replicas run the partition upkeep at the same time', async () => {
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        maintainCheckHistory(db, { at: at('2030-04-01T10:00:00Z'), retentionDays: 3650, daysAhead: 5 }),
      ),
    );
    expect(runs.reduce((sum, run) => sum + run.created, 0)).toBe(6);
    expect((await partitions()).filter((name) => name >= 'proxy_checks_20300401')).toHaveLength(6);
  });
});

describe('what a validation stores', () => {
  let proxyId: string;
  beforeAll(async () => {
    proxyId = (await db.proxy.create({ data: { ip: '203.0.113.8', port: 8080, protocol: 'http' } })).id;
  });
  const validation = (passed: boolean, createdAt: Date): CheckRow[] =>
    [1, 2].map((stage) => ({
      proxyId,
      checkerName: stage === 1 ? 'tcp_connect' : 'http_anonymity',
      stage,
      passed: stage === 1 || passed,
      latencyMs: 5,
      detail: `stage ${stage} ${passed ? 'ok' : 'failed'} ${createdAt.toISOString()}`,
      createdAt,
    }));
  const record = (checks: CheckRow[], status: FiguresUpdate['status'], passed: boolean) =>
    recordValidations(store, checks, (current) =>
      current.map((row) => ({
        ...row,
        status,
        checksTotal: row.checksTotal + 1,
        checksPassed: row.checksPassed + (passed ? 1 : 0),
        lastCheckedAt: checks[0]!.createdAt,
        nextCheckAt: new Date(Date.now() + 60_000),
      })),
    );
  const historyRows = async () => {
    const [row] = await db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM history.proxy_checks WHERE proxy_id = ${proxyId}::uuid AND created_at > now() - interval '1 hour'`;
    return row?.n ?? 0;
  };

  it('keeps failures and status changes in the history, and only the newest passing validation on the proxy', async () => {
    await maintainCheckHistory(db, { retentionDays: 3650, daysAhead: 1 });
    const t0 = Date.now();
    await record(validation(true, new Date(t0)), 'active', true); // unchecked → active: a status change
    expect(await historyRows()).toBe(2);
    await record(validation(true, new Date(t0 + 1_000)), 'active', true); // nothing changed: summarised
    await record(validation(true, new Date(t0 + 2_000)), 'active', true);
    expect(await historyRows()).toBe(2);
    await record(validation(false, new Date(t0 + 3_000)), 'active', false); // a failure: kept in full
    expect(await historyRows()).toBe(4);

    const proxy = await db.proxy.findUniqueOrThrow({ where: { id: proxyId } });
    expect(proxy.lastPassedAt).toEqual(new Date(t0 + 2_000));
    const shown = await recentProxyChecks(db, proxyId, 6);
    expect(shown.map((row) => row.detail)).toEqual([
      `stage 2 failed ${new Date(t0 + 3_000).toISOString()}`,
      `stage 1 failed ${new Date(t0 + 3_000).toISOString()}`,
      `stage 2 ok ${new Date(t0).toISOString()}`,
      `stage 1 ok ${new Date(t0).toISOString()}`,
    ]);
    // A passing validation whose advisory checker (TLS integrity) could not conclude: still nothing to keep.
    const advisoryFailed = [
      ...validation(true, new Date(t0 + 3_500)),
      {
        proxyId,
        checkerName: 'tls_integrity',
        stage: 4,
        passed: false,
        latencyMs: null,
        detail: 'not conclusive: timeout',
        createdAt: new Date(t0 + 3_500),
      },
    ];
    await record(advisoryFailed, 'active', true);
    expect(await historyRows()).toBe(4);
    await record(validation(true, new Date(t0 + 4_000)), 'active', true);
    expect((await recentProxyChecks(db, proxyId, 2)).map((row) => row.detail)).toEqual([
      `stage 2 ok ${new Date(t0 + 4_000).toISOString()}`,
      `stage 1 ok ${new Date(t0 + 4_000).toISOString()}`,
    ]);
  });
});
