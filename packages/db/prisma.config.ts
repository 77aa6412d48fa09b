import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { MigrationPgAdapterFactory } from './src/cli-adapter.js';

// The CLI needs a URL even for `generate`; without one it falls back to downloading a native engine.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/proxypool';
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, '../../prisma/schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, '../../prisma/migrations') },
  adapter: async () => new MigrationPgAdapterFactory(databaseUrl, process.env.SHADOW_DATABASE_URL),
});
