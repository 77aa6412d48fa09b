import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, openCheckStore, type CheckStore, type Database } from '@proxy-pool/db';
import { privateDatabase, type PrivateDatabase } from '@proxy-pool/test-kit';
import { DEFAULT_SCORING } from '../src/proxy-state.js';
import { databaseBatchWriter } from '../src/result-writer.js';

let database: PrivateDatabase;
let db: Database;
let store: CheckStore;
let proxyId: string;

/** The checker's pool with one connection: a waiter gives up after the pool's connection timeout (5 s). */
const POOL_WAIT_MS = 5_000;

beforeAll(async () => {
  database = await privateDatabase();
  db = createDatabase({ url: database.url, poolSize: 2 });
  store = openCheckStore(database.url, 1);
  proxyId = (await db.proxy.create({ data: { ip: '203.0.113.9', port: 8080, protocol: 'http' } })).id;
});

afterAll(async () => {
  await store?.close();
  await db?.$disconnect();
  await database?.drop();
});

/** Holds the pool's only connection for `ms`, then gives it back. */
async function holdTheConnection(ms: number): Promise<void> {
  const client = await store.pool.connect();
  setTimeout(() => client.release(), ms);
}

const validation = (finishedAt: Date) => ({
  proxyId,
  outcome: { passed: false, latencyMs: null },
  checks: [
    { checkerName: 'tcp_connect', stage: 1, passed: false, latencyMs: null, detail: 'refused', createdAt: finishedAt },
  ],
  finishedAt,
});

describe('writing results while the pool has no free connection', () => {
  it('waits and tries again: the batch is stored once a connection comes free', async () => {
    const write = databaseBatchWriter(store, DEFAULT_SCORING, { windowMinutes: 10 }, { attempts: 4, pauseMs: 100 });
    await holdTheConnection(POOL_WAIT_MS + 500);
    const written = await write([validation(new Date())]);
    expect(written.get(proxyId)?.checksTotal).toBe(1);
    expect(await db.proxy.findUniqueOrThrow({ where: { id: proxyId } })).toMatchObject({ checksTotal: 1 });
  }, 20_000);

  it('gives up after its tries, with the pool timeout (what a whole validate job failed on before)', async () => {
    const write = databaseBatchWriter(store, DEFAULT_SCORING, { windowMinutes: 10 }, { attempts: 1, pauseMs: 100 });
    await holdTheConnection(POOL_WAIT_MS + 500);
    await expect(write([validation(new Date())])).rejects.toThrow(
      'PostgreSQL is unavailable: timeout exceeded when trying to connect',
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await db.proxy.findUniqueOrThrow({ where: { id: proxyId } })).toMatchObject({ checksTotal: 1 });
  }, 20_000);
});
