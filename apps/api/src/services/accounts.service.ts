import { z } from 'zod';
import { countLiveLeases, listLiveLeases, Prisma, type Database, type UserRole } from '@proxy-pool/db';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, cursorPosition, toPage, type Page, type PageRequest } from '../http/pagination.js';
import type { AccountView, LeaseView, Registration } from '../openapi/responses/accounts.responses.js';
import { generateApiKey } from './api-keys.js';

/** HTML5's email rule (the one browsers apply): accepts `a@b.c`, refuses spaces and missing parts. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ pattern: z.regexes.html5Email, message: 'must be a valid email address' }));
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export interface RegisterInput {
  email: string;
  displayName: string;
  role?: UserRole;
}

/**
 * Creates a user, their first API key and the signup grant in one transaction. The raw key exists
 * only in the returned object: the database keeps its SHA-256.
 */
export async function registerUser(db: Database, signupCredits: number, input: RegisterInput): Promise<Registration> {
  const key = generateApiKey();
  try {
    const user = await db.user.create({
      data: {
        email: input.email,
        emailNormalized: normalizeEmail(input.email),
        displayName: input.displayName,
        role: input.role ?? 'user',
        creditBalance: signupCredits,
        apiKeys: { create: { prefix: key.prefix, keyHash: key.hash, label: 'default' } },
        ...(signupCredits > 0
          ? {
              transactions: {
                create: { amount: signupCredits, txType: 'grant' as const, description: 'Signup grant' },
              },
            }
          : {}),
      },
      include: { apiKeys: true },
    });
    const apiKey = user.apiKeys[0]!;
    return {
      user: { id: user.id, email: user.email, display_name: user.displayName },
      api_key: { id: apiKey.id, key: key.raw, prefix: apiKey.prefix, label: apiKey.label },
    };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AppError('EMAIL_TAKEN', 'An account with this email already exists.', { field: 'email' });
    }
    throw error;
  }
}

/** Gives an existing user the admin role. */
export async function promoteToAdmin(db: Database, email: string): Promise<{ id: string; email: string }> {
  const user = await db.user.findUnique({ where: { emailNormalized: normalizeEmail(email) }, select: { id: true } });
  if (!user) throw notFound('User');
  const updated = await db.user.update({
    where: { id: user.id },
    data: { role: 'admin' },
    select: { id: true, email: true },
  });
  return updated;
}

export async function getAccount(db: Database, userId: string): Promise<AccountView> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw notFound('User');
  return {
    id: user.id,
    email: user.email,
    display_name: user.displayName,
    role: user.role,
    credit_balance: user.creditBalance,
    created_at: user.createdAt.toISOString(),
  };
}

/** The user's live leases (not released, not marked expired, not past expires_at), newest first. */
export async function listAccountLeases(db: Database, userId: string, page: PageRequest): Promise<Page<LeaseView>> {
  const after = cursorPosition(page.cursor);
  const [rows, total] = await Promise.all([
    listLiveLeases(db, userId, page.limit + 1, after),
    countLiveLeases(db, userId),
  ]);
  return toPage(
    rows,
    page.limit,
    total,
    (row) => ({
      lease_id: row.id,
      proxy: { ip: row.ip, port: row.port, protocol: row.protocol, country: row.country, anonymity: row.anonymity },
      expires_at: row.expiresAt.toISOString(),
      created_at: row.createdAt.toISOString(),
    }),
    createdAtPosition,
  );
}
