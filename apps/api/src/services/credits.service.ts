import { applyCreditChange, olderThan, type Database, type TxType } from '@proxy-pool/db';
import { AppError, notFound } from '../errors.js';
import { createdAtPosition, toPage } from '../http/pagination.js';
import { assertId, cursorPosition, type PageRequest } from './accounts.service.js';

export interface TransactionView {
  amount: number;
  tx_type: TxType;
  description: string;
  created_at: string;
}

export interface CreditsView {
  balance: number;
  recent_transactions: TransactionView[];
  next_cursor: string | null;
  total_count: number;
}

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
    (row) => ({ amount: row.amount, tx_type: row.txType, description: row.description, created_at: row.createdAt.toISOString() }),
    createdAtPosition,
  );
  return { balance: user.creditBalance, recent_transactions: result.items, next_cursor: result.next_cursor, total_count: result.total_count };
}

export interface AdjustmentResult {
  user_id: string;
  balance: number;
  transaction: { id: string; amount: number; tx_type: TxType; description: string; created_at: string };
}

/**
 * An admin's credit or debit: positive amounts are recorded as `purchase`, negative ones as `adjustment`.
 * The balance moves with a guarded update in the same statement that writes the transaction, so concurrent
 * changes never overdraw and never lose a credit. A debit beyond the balance is 409 INSUFFICIENT_BALANCE.
 */
export async function adjustCredits(db: Database, userId: string, amount: number, description: string): Promise<AdjustmentResult> {
  assertId(userId, 'User');
  const txType = amount > 0 ? 'purchase' : 'adjustment';
  const row = await applyCreditChange(db, { userId, amount, txType, description });
  if (!row) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { creditBalance: true } });
    if (!user) throw notFound('User');
    if (amount < 0) {
      throw new AppError('INSUFFICIENT_BALANCE', `Cannot debit ${-amount} credits: the balance is ${user.creditBalance}.`, {
        balance: user.creditBalance,
        amount,
      });
    }
    throw new AppError('VALIDATION_ERROR', 'The balance would exceed its maximum (2147483647).', {
      fields: [{ field: 'amount', message: 'would overflow the balance' }],
    });
  }
  return {
    user_id: userId,
    balance: row.balance,
    transaction: { id: row.id, amount: row.amount, tx_type: row.txType, description: row.description, created_at: row.createdAt.toISOString() },
  };
}
