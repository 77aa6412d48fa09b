import { UserRole } from '@proxy-pool/db';
import { z } from 'zod';
import { leasedProxySchema, timestamp, txTypeEnum, uuid } from '../schemas.js';

/** Answers of the auth, account and admin credit endpoints; the services' return types are inferred from them. */

export const registrationSchema = z
  .object({
    user: z.object({ id: uuid, email: z.string(), display_name: z.string() }),
    api_key: z.object({
      id: uuid,
      key: z.string().meta({
        description: 'The raw key: returned only here, never again.',
        example: 'pp_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4',
      }),
      prefix: z.string().meta({ example: 'pp_a1b2c' }),
      label: z.string(),
    }),
  })
  .meta({ id: 'Registration' });
export type Registration = z.infer<typeof registrationSchema>;

/** A key as listed: metadata only, never the key or its hash. */
export const apiKeySchema = z
  .object({
    id: uuid,
    prefix: z.string(),
    label: z.string(),
    created_at: timestamp,
    last_used_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type KeyView = z.infer<typeof apiKeySchema>;

/** A freshly created key: the only answer that carries the raw key. */
export const createdKeySchema = z
  .object({
    id: uuid,
    key: z.string().meta({ description: 'The raw key: returned only here, never again.' }),
    prefix: z.string(),
    label: z.string(),
    created_at: timestamp,
  })
  .meta({ id: 'CreatedApiKey' });
export type CreatedKey = z.infer<typeof createdKeySchema>;

export const accountSchema = z
  .object({
    id: uuid,
    email: z.string(),
    display_name: z.string(),
    role: z.enum(UserRole),
    credit_balance: z.number().int(),
    created_at: timestamp,
  })
  .meta({ id: 'Account' });
export type AccountView = z.infer<typeof accountSchema>;

const transactionSchema = z.object({
  amount: z.number().int(),
  tx_type: txTypeEnum,
  description: z.string(),
  created_at: timestamp,
});

export const creditsSchema = z
  .object({
    balance: z.number().int(),
    recent_transactions: z
      .array(transactionSchema)
      .meta({ description: 'Newest first, one page at a time (`limit`, `cursor`).' }),
    next_cursor: z.string().nullable(),
    total_count: z.number().int(),
  })
  .meta({ id: 'Credits' });
export type CreditsView = z.infer<typeof creditsSchema>;

export const accountLeaseSchema = z
  .object({ lease_id: uuid, proxy: leasedProxySchema, expires_at: timestamp, created_at: timestamp })
  .meta({ id: 'AccountLease' });
export type LeaseView = z.infer<typeof accountLeaseSchema>;

export const adjustmentSchema = z
  .object({ user_id: uuid, balance: z.number().int(), transaction: transactionSchema.extend({ id: uuid }) })
  .meta({ id: 'CreditAdjustment' });
export type AdjustmentResult = z.infer<typeof adjustmentSchema>;
