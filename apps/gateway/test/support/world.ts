import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createDatabase, sqlRows, Prisma, type Database, type ProxyProtocol } from '@proxy-pool/db';
import { createLogger } from '@proxy-pool/logger';
import { createRedis, type RedisConnection } from '@proxy-pool/queues';
import { clearKeys, privateDatabase } from '@proxy-pool/test-kit';
import { startGateway, type RunningGateway } from '../../src/main.js';

export interface TestUser {
  userId: string;
  apiKeyId: string;
  apiKey: string;
}

export interface ProxyInput {
  host?: string;
  port: number;
  protocol: ProxyProtocol;
  country?: string;
  score?: number;
  anonymity?: 'elite' | 'anonymous' | 'transparent';
  username?: string;
  password?: string;
}

/** A private database, a Redis key prefix, users with keys, proxies: what gateways under test share. */
export interface GatewayWorld {
  env: Record<string, string>;
  db: Database;
  redis: RedisConnection;
  addUser(credits: number): Promise<TestUser>;
  addProxy(input: ProxyInput): Promise<string>;
  balance(userId: string): Promise<{ balance: number; ledger: number; transactions: number }>;
  startGateway(overrides?: Record<string, string>): Promise<RunningGateway>;
  close(): Promise<void>;
}

export async function createGatewayWorld(overrides: Record<string, string> = {}): Promise<GatewayWorld> {
  const database = await privateDatabase();
  const prefix = `g${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '8',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    ALLOW_PRIVATE_TARGETS: 'true',
    GATEWAY_PORT: '0',
    GATEWAY_HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    GATEWAY_CONNECT_TIMEOUT_MS: '1000',
    GATEWAY_FLUSH_MS: '50',
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    ...overrides,
  };
  const db = createDatabase({ url: database.url, poolSize: 4 });
  const redis = createRedis(env.REDIS_URL!, 'worker');
  const started: RunningGateway[] = [];
  return {
    env,
    db,
    redis,
    addUser: (credits) => insertUser(db, credits),
    addProxy: (input) => insertActiveProxy(db, input),
    balance: async (userId) => {
      const [row] = await sqlRows<{ balance: number; ledger: number; transactions: number }>(
        db.pool,
        Prisma.sql`SELECT u.credit_balance AS balance, coalesce(sum(t.amount), 0)::int AS ledger, count(t.id)::int AS transactions
          FROM users u LEFT JOIN credit_transactions t ON t.user_id = u.id WHERE u.id = ${userId}::uuid GROUP BY u.id`,
      );
      return row!;
    },
    startGateway: async (more = {}) => {
      const running = await startGateway(
        { ...env, ...more },
        { logger: createLogger({ service: 'gateway', level: 'error' }) },
      );
      started.push(running);
      return running;
    },
    close: async () => {
      await Promise.all(started.map((gateway) => gateway.stop()));
      await clearKeys(redis, prefix);
      redis.disconnect();
      await db.$disconnect();
      await database.drop();
    },
  };
}

let userCount = 0;

/** A user with `credits` (granted in the ledger) and one API key. */
export async function insertUser(db: Database, credits: number): Promise<TestUser> {
  userCount += 1;
  const email = `user${userCount}-${randomUUID().slice(0, 8)}@example.test`;
  const apiKey = `pp_${randomBytes(24).toString('hex')}`;
  const [row] = await sqlRows<{ user_id: string; key_id: string }>(
    db.pool,
    Prisma.sql`WITH u AS (
        INSERT INTO users (id, email, email_normalized, display_name, credit_balance)
        VALUES (gen_random_uuid(), ${email}, ${email}, 'Gateway user', ${credits}) RETURNING id),
      t AS (INSERT INTO credit_transactions (id, user_id, amount, tx_type, description)
        SELECT gen_random_uuid(), u.id, ${credits}::int, 'grant', 'Test credits' FROM u WHERE ${credits}::int <> 0),
      k AS (INSERT INTO api_keys (id, user_id, prefix, key_hash) SELECT gen_random_uuid(), u.id, ${apiKey.slice(0, 8)},
        ${createHash('sha256').update(apiKey).digest('hex')} FROM u RETURNING id, user_id)
      SELECT user_id, id AS key_id FROM k`,
  );
  return { userId: row!.user_id, apiKeyId: row!.key_id, apiKey };
}

/** An active, checked proxy (country and score set directly: no MMDB maps loopback addresses). */
export async function insertActiveProxy(db: Database, input: ProxyInput): Promise<string> {
  const [row] = await sqlRows<{ id: string }>(
    db.pool,
    Prisma.sql`INSERT INTO proxies (ip, port, protocol, status, anonymity, exit_ip, country, score, uptime_ratio, checks_total, checks_passed, last_checked_at, next_check_at, username, password)
      VALUES (${input.host ?? '127.0.0.1'}::inet, ${input.port}, ${input.protocol}::"ProxyProtocol", 'active', ${input.anonymity ?? 'elite'}::"Anonymity",
        ${input.host ?? '127.0.0.1'}::inet, ${input.country ?? 'DE'}, ${input.score ?? 0.8}, 1, 1, 1, now(), now() + interval '1 hour',
        ${input.username ?? null}, ${input.password ?? null}) RETURNING id`,
  );
  return row!.id;
}
