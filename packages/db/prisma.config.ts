import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { MigrationPgAdapterFactory, withDatabase } from './src/cli-adapter.js';

// The CLI needs a URL even for `generate`; without one it falls back to downloading a native engine.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/proxypool';
// `migrate diff` (the drift check) compares migrations with the schema in a shadow database and reads nothing
// from the target: it connects to the server's maintenance database, so the target need not exist yet.
const databaseUrl = process.argv.includes('diff')
  ? withDatabase(process.env.DATABASE_URL, 'postgres')
  : process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, '../../prisma/schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, '../../prisma/migrations') },
  adapter: async () => new MigrationPgAdapterFactory(databaseUrl, process.env.SHADOW_DATABASE_URL),
});
