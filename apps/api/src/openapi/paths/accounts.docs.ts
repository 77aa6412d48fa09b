import { z } from 'zod';
import { pageQuery as accountPageQuery } from '../../routes/account.routes.js';
import { creditsBody, userParams } from '../../routes/admin.routes.js';
import { createKeyBody, pageQuery as keysPageQuery, registerBody } from '../../routes/auth.routes.js';
import type { RouteDoc } from '../route-doc.js';
import { leasedProxySchema, pageOf, timestamp, txTypeEnum, uuid } from '../schemas.js';

const registration = z
  .object({
    user: z.object({ id: uuid, email: z.string(), display_name: z.string() }),
    api_key: z.object({
      id: uuid,
      key: z.string().meta({ description: 'The raw key: returned only here, never again.', example: 'pp_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4' }),
      prefix: z.string().meta({ example: 'pp_a1b2c' }),
      label: z.string(),
    }),
  })
  .meta({ id: 'Registration' });

const apiKey = z
  .object({ id: uuid, prefix: z.string(), label: z.string(), created_at: timestamp, last_used_at: timestamp.nullable(), revoked_at: timestamp.nullable() })
  .meta({ id: 'ApiKey' });

const createdKey = z
  .object({ id: uuid, key: z.string().meta({ description: 'The raw key: returned only here, never again.' }), prefix: z.string(), label: z.string(), created_at: timestamp })
  .meta({ id: 'CreatedApiKey' });

const account = z
  .object({ id: uuid, email: z.string(), display_name: z.string(), role: z.enum(['user', 'admin']), credit_balance: z.number().int(), created_at: timestamp })
  .meta({ id: 'Account' });

const transaction = z.object({ amount: z.number().int(), tx_type: txTypeEnum, description: z.string(), created_at: timestamp });

const credits = z
  .object({
    balance: z.number().int(),
    recent_transactions: z.array(transaction).meta({ description: 'Newest first, one page at a time (`limit`, `cursor`).' }),
    next_cursor: z.string().nullable(),
    total_count: z.number().int(),
  })
  .meta({ id: 'Credits' });

const accountLease = z.object({ lease_id: uuid, proxy: leasedProxySchema, expires_at: timestamp, created_at: timestamp }).meta({ id: 'AccountLease' });

const adjustment = z
  .object({ user_id: uuid, balance: z.number().int(), transaction: transaction.extend({ id: uuid }) })
  .meta({ id: 'CreditAdjustment' });

const keyIdParams = z.object({ key_id: uuid });

export const accountsDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/auth/register',
    summary: 'Create an account and its first API key',
    description: 'No authentication. The answer carries the raw API key, the only time it is shown.',
    tags: ['Auth'],
    public: true,
    request: { body: registerBody },
    responses: { 201: { description: 'The user and the raw key.', schema: registration } },
    errors: { EMAIL_TAKEN: 'an account with this email exists.', RATE_LIMITED: 'too many registrations from this address.' },
  },
  {
    method: 'post',
    path: '/auth/keys',
    summary: 'Create another API key',
    tags: ['Auth'],
    request: { body: createKeyBody },
    responses: { 201: { description: 'The new key, raw (shown only here).', schema: createdKey } },
  },
  {
    method: 'get',
    path: '/auth/keys',
    summary: "List the caller's API keys",
    description: 'Prefix and metadata only, never the key. Revoked keys included, newest first.',
    tags: ['Auth'],
    request: { query: keysPageQuery },
    responses: { 200: { description: 'A page of keys.', schema: pageOf(apiKey, 'ApiKeyPage') } },
  },
  {
    method: 'delete',
    path: '/auth/keys/{key_id}',
    summary: 'Revoke an API key',
    tags: ['Auth'],
    request: { params: keyIdParams },
    responses: { 200: { description: 'The revoked key (revoked_at set).', schema: apiKey } },
    errors: { NOT_FOUND: 'no such key among the caller’s.', LAST_KEY: 'it is the caller’s last live key.' },
  },
  {
    method: 'get',
    path: '/account',
    summary: "The caller's account",
    tags: ['Account'],
    responses: { 200: { description: 'The account.', schema: account } },
  },
  {
    method: 'get',
    path: '/account/credits',
    summary: 'Credit balance and transaction history',
    tags: ['Account'],
    request: { query: accountPageQuery },
    responses: { 200: { description: 'The balance and a page of transactions.', schema: credits } },
  },
  {
    method: 'get',
    path: '/account/leases',
    summary: "The caller's live proxy leases",
    tags: ['Account'],
    request: { query: accountPageQuery },
    responses: { 200: { description: 'A page of live leases, newest first.', schema: pageOf(accountLease, 'AccountLeasePage') } },
  },
  {
    method: 'post',
    path: '/admin/users/{user_id}/credits',
    summary: "Credit or debit a user's balance",
    description: 'Positive amounts are recorded as `purchase`, negative ones as `adjustment`.',
    tags: ['Admin'],
    admin: true,
    request: { params: userParams, body: creditsBody },
    responses: { 201: { description: 'The new balance and the transaction.', schema: adjustment } },
    errors: { NOT_FOUND: 'no such user.', INSUFFICIENT_BALANCE: 'a debit larger than the balance.' },
  },
];
