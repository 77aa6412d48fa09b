/**
 * Account administration from a shell, for the first admin:
 *   npm run admin -- create --email admin@example.com [--name Admin]   creates an admin, prints its key once
 *   npm run admin -- promote --email user@example.com                   gives an existing user the admin role
 * Reads the API's configuration (DATABASE_URL, SIGNUP_CREDITS) and uses the same account service as register.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createDatabase } from '@proxy-pool/db';
import { loadApiConfig } from './config.js';
import { AppError } from './errors.js';
import { parseInput } from './http/validate.js';
import { displayNameSchema, emailSchema, promoteToAdmin, registerUser } from './services/accounts.service.js';

const USAGE = `Usage:
  npm run admin -- create --email <email> [--name <display name>]
  npm run admin -- promote --email <email>`;

const argsSchema = z.object({ email: emailSchema, name: displayNameSchema.default('Admin') });

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || (command !== 'create' && command !== 'promote')) {
    (values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const args = parseInput(argsSchema, { email: values.email, name: values.name }, 'arguments');
  const config = loadApiConfig();
  const db = createDatabase({ url: config.DATABASE_URL, poolSize: 2 });
  try {
    if (command === 'promote') {
      const user = await promoteToAdmin(db, args.email);
      process.stdout.write(`Promoted ${user.email} (user id ${user.id}) to admin.\n`);
      return 0;
    }
    const created = await registerUser(db, config.SIGNUP_CREDITS, { email: args.email, displayName: args.name, role: 'admin' });
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
  return error instanceof Error ? error.message : String(error);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`admin: ${describe(error)}\n`);
    process.exit(1);
  },
);
