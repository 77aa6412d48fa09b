import { applyCreditChange, olderThan, type Database } from '@proxy-pool/db';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, cursorPosition, toPage, type PageRequest } from '../http/pagination.js';
import { assertId } from '../http/path-ids.js';
import type { AdjustmentResult, CreditsView } from '../openapi/responses/accounts.responses.js';

/** Balance plus the user's transactions, newest first, one page at a time. */
export async function getCredits(db: Database, userId: string, page: PageRequest): Promise<CreditsView> {
  const after = cursorPosition(page.cursor);
  const [user, rows, total] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { creditBalance: true } }),
    db.creditTransaction.findMany({
      where: { userId, ...olderThan(after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
    }),
    db.creditTransaction.count({ where: { userId } }),
  ]);
  if (!user) throw notFound('User');
  const result = toPage(
    rows,
    page.limit,
    total,
    (row) => ({
      amount: row.amount,
      tx_type: row.txType,
      description: row.description,
      created_at: row.createdAt.toISOString(),
    }),
    createdAtPosition,
  );
  return {
    balance: user.creditBalance,
    recent_transactions: result.items,
    next_cursor: result.next_cursor,
    total_count: result.total_count,
  };
}

/**
 * An admin's credit or debit: positive amounts are recorded as `purchase`, negative ones as `adjustment`.
 * The balance moves with a guarded update in the same statement that writes the transaction, so concurrent
 * changes never overdraw and never lose a credit. A debit beyond the balance is 409 INSUFFICIENT_BALANCE.
 */
export async function adjustCredits(
  db: Database,
  userId: string,
  amount: number,
  description: string,
): Promise<AdjustmentResult> {
  assertId(userId, 'User');
  const txType = amount > 0 ? 'purchase' : 'adjustment';
  const row = await applyCreditChange(db, { userId, amount, txType, description });
  if (!row) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { creditBalance: true } });
    if (!user) throw notFound('User');
    if (amount < 0) {
      throw new AppError(
        'INSUFFICIENT_BALANCE',
        `Cannot debit ${-amount} credits: the balance is ${user.creditBalance}.`,
        {
          balance: user.creditBalance,
          amount,
        },
      );
    }
    throw new AppError('VALIDATION_ERROR', 'The balance would exceed its maximum (2147483647).', {
      fields: [{ field: 'amount', message: 'would overflow the balance' }],
    });
  }
  return {
    user_id: userId,
    balance: row.balance,
    transaction: {
      id: row.id,
      amount: row.amount,
      tx_type: row.txType,
      description: row.description,
      created_at: row.createdAt.toISOString(),
    },
  };
}
