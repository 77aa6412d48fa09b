import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@proxy-pool/db';
import { harnessEnv } from './harness-env.js';

const MIGRATIONS = fileURLToPath(new URL('../../../prisma/migrations/', import.meta.url));

export interface PrivateDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database with the project's migrations applied, on the server of `baseUrl` (the jest database by
 * default), for tests that sweep whole tables (the due-sweep claims every due proxy) or must never see
 * another test's proxies (a URL test or the gateway picks among the active ones, wherever they point).
 */
export async function privateDatabase(baseUrl = harnessEnv.databaseUrl()!): Promise<PrivateDatabase> {
  const name = `pp_private_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const adminUrl = new URL(baseUrl);
  adminUrl.pathname = '/postgres';
  const admin = createDatabase({ url: adminUrl.toString(), poolSize: 1 });
  await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ url: url.toString(), poolSize: 1 });
  try {
    for (const migration of readdirSync(MIGRATIONS)
      .filter((entry) => /^\d/.test(entry))
      .sort()) {
      await db.$executeRawUnsafe(readFileSync(`${MIGRATIONS}${migration}/migration.sql`, 'utf8'));
    }
  } finally {
    await db.$disconnect();
  }
  return {
    url: url.toString(),
    drop: async () => {
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.$disconnect();
    },
  };
}
