/**
 * Administration from a shell, for the first admin:
 *   npm run admin -- create --email admin@example.com [--name Admin]   creates an admin, prints its key once
 *   npm run admin -- promote --email user@example.com                   gives an existing user the admin role
 *   npm run admin -- sources import-catalog                             adds the built-in source catalog
 * Reads the API's configuration (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SIGNUP_CREDITS) and uses the same
 * services as the API.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { processEnvironment } from '@proxy-pool/config';
import { createDatabase } from '@proxy-pool/db';
import { findRunningServices } from '@proxy-pool/embedded-services';
import { CatalogError, loadCatalog } from '@proxy-pool/source-catalog';
import { loadApiConfig } from './config.js';
import { AppError } from './errors.js';
import { parseInput } from './http/validate.js';
import { displayNameSchema, emailSchema, promoteToAdmin, registerUser } from './services/accounts.service.js';
import { importCatalogNow } from './services/source-catalog-import.js';

const USAGE = `Usage:
  npm run admin -- create --email <email> [--name <display name>]
  npm run admin -- promote --email <email>
  npm run admin -- sources import-catalog`;

async function importSourceCatalog(): Promise<number> {
  const { config, db } = await openAdminDatabase();
  try {
    // SOURCE_CATALOG: a catalog file of the operator's own instead of the shipped one.
    const file = processEnvironment().SOURCE_CATALOG;
    const entries = file ? loadCatalog(readFileSync(file, 'utf8')) : undefined;
    const { added, skipped } = await importCatalogNow(db, config, entries);
    process.stdout.write(`Catalog: ${added} sources added, ${skipped} already present.\n`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

/**
 * The API's configuration, with DATABASE_URL and REDIS_URL pointing at the embedded servers that `npm start`
 * runs under DATA_DIR when the configured ones do not answer.
 */
async function openAdminDatabase() {
  const env = processEnvironment();
  const dataDir = z.object({ DATA_DIR: z.string().min(1).default('./data') }).parse(env).DATA_DIR;
  const configured = loadApiConfig(env);
  const running = await findRunningServices(dataDir, {
    databaseUrl: configured.DATABASE_URL,
    redisUrl: configured.REDIS_URL,
  });
  const config = loadApiConfig({ ...env, DATABASE_URL: running.databaseUrl, REDIS_URL: running.redisUrl });
  return { config, db: createDatabase({ url: config.DATABASE_URL, poolSize: 2 }) };
}

const argsSchema = z.object({ email: emailSchema, name: displayNameSchema.default('Admin') });

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (!values.help && command === 'sources' && positionals[1] === 'import-catalog' && positionals.length === 2)
    return importSourceCatalog();
  if (values.help || (command !== 'create' && command !== 'promote')) {
    (values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const args = parseInput(argsSchema, { email: values.email, name: values.name }, 'arguments');
  const { config, db } = await openAdminDatabase();
  try {
    if (command === 'promote') {
      const user = await promoteToAdmin(db, args.email);
      process.stdout.write(`Promoted ${user.email} (user id ${user.id}) to admin.\n`);
      return 0;
    }
    const created = await registerUser(db, config.SIGNUP_CREDITS, {
      email: args.email,
      displayName: args.name,
      role: 'admin',
    });
    process.stdout.write(
      [
        `Created admin ${created.user.email} (user id ${created.user.id}).`,
        `API key (shown once, store it now): ${created.api_key.key}`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await db.$disconnect();
  }
}

function describe(error: unknown): string {
  if (error instanceof AppError) {
    const fields = (error.details.fields as Array<{ field: string; message: string }> | undefined) ?? [];
    const extra = fields.map((f) => `\n  --${f.field}: ${f.message}`).join('');
    const hint = error.code === 'EMAIL_TAKEN' ? '\n  (use `promote --email` to make an existing user an admin)' : '';
    return `${error.message}${extra}${hint}`;
  }
  if (error instanceof CatalogError) return error.message;
  // Prisma's messages end with the cause ("Can't reach database server at …") after pages of context.
  return error instanceof Error ? (error.message.trim().split('\n').at(-1) ?? error.name) : String(error);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`admin: ${describe(error)}\n`);
    process.exit(1);
  },
);
