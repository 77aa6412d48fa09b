import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import supertest from 'supertest';
import { createLogger } from '@proxy-pool/logger';
import { clearKeys } from '@proxy-pool/test-kit';
import { createApp } from '../../src/app.js';
import { closeApiContext, openApiContext } from '../../src/bootstrap.js';
import { loadApiConfig } from '../../src/config.js';
import type { ApiContext } from '../../src/context.js';
import { generateApiKey } from '../../src/services/api-keys.js';

export interface TestApi {
  ctx: ApiContext;
  request: ReturnType<typeof supertest>;
  /** Every log line the API wrote, as parsed JSON. */
  logs: Array<Record<string, unknown>>;
  close: () => Promise<void>;
}

/** A real API over the test database and Redis, with its own queue prefix. */
export function startTestApi(env: Record<string, string> = {}): TestApi {
  const config = loadApiConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `t${randomUUID().slice(0, 8)}`,
    ALLOW_PRIVATE_TARGETS: 'true',
    RATE_LIMITS_ENABLED: 'false',
    // Tests read their own writes at once; the page cache has its own test.
    PROXY_PAGE_CACHE_MS: '0',
    LOG_LEVEL: 'http',
    NODE_ENV: 'test',
    ...env,
  });
  const stream = new PassThrough();
  const logs: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'api', level: config.LOG_LEVEL, stream, console: false });
  const ctx = openApiContext(config, logger);
  const app = createApp(ctx);
  return {
    ctx,
    request: supertest(app),
    logs,
    close: async () => {
      // Redis may be down in a fault test: that only leaves keys behind.
      await clearKeys(ctx.redis, config.QUEUE_PREFIX).catch(() => undefined);
      await closeApiContext(ctx);
    },
  };
}

export interface TestUser {
  userId: string;
  apiKeyId: string;
  key: string;
  email: string;
  auth: { Authorization: string };
}

/** Inserts a user with one API key straight into the database. */
export async function createTestUser(
  ctx: Pick<ApiContext, 'db'>,
  options: { role?: 'user' | 'admin'; credits?: number } = {},
): Promise<TestUser> {
  const email = `u-${randomUUID()}@example.test`;
  const key = generateApiKey();
  const user = await ctx.db.user.create({
    data: {
      email,
      emailNormalized: email,
      displayName: 'Test User',
      role: options.role ?? 'user',
      creditBalance: options.credits ?? 0,
      apiKeys: { create: { prefix: key.prefix, keyHash: key.hash, label: 'default' } },
    },
    include: { apiKeys: true },
  });
  return {
    userId: user.id,
    apiKeyId: user.apiKeys[0]!.id,
    key: key.raw,
    email,
    auth: { Authorization: `Bearer ${key.raw}` },
  };
}
