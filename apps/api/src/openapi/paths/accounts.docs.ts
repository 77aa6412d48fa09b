import { z } from 'zod';
import { pageQuery as accountPageQuery } from '../../routes/account.routes.js';
import { creditsBody, userParams } from '../../routes/admin.routes.js';
import { createKeyBody, pageQuery as keysPageQuery, registerBody } from '../../routes/auth.routes.js';
import type { RouteDoc } from '../route-doc.js';
import {
  accountLeaseSchema,
  accountSchema,
  adjustmentSchema,
  apiKeySchema,
  createdKeySchema,
  creditsSchema,
  registrationSchema,
} from '../responses/accounts.responses.js';
import { pageOf, uuid } from '../schemas.js';

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
    responses: { 201: { description: 'The user and the raw key.', schema: registrationSchema } },
    errors: {
      EMAIL_TAKEN: 'an account with this email exists.',
      RATE_LIMITED: 'too many registrations from this address.',
    },
  },
  {
    method: 'post',
    path: '/auth/keys',
    summary: 'Create another API key',
    tags: ['Auth'],
    request: { body: createKeyBody },
    responses: { 201: { description: 'The new key, raw (shown only here).', schema: createdKeySchema } },
  },
  {
    method: 'get',
    path: '/auth/keys',
    summary: "List the caller's API keys",
    description: 'Prefix and metadata only, never the key. Revoked keys included, newest first.',
    tags: ['Auth'],
    request: { query: keysPageQuery },
    responses: { 200: { description: 'A page of keys.', schema: pageOf(apiKeySchema, 'ApiKeyPage') } },
  },
  {
    method: 'delete',
    path: '/auth/keys/{key_id}',
    summary: 'Revoke an API key',
    tags: ['Auth'],
    request: { params: keyIdParams },
    responses: { 200: { description: 'The revoked key (revoked_at set).', schema: apiKeySchema } },
    errors: { NOT_FOUND: 'no such key among the caller’s.', LAST_KEY: 'it is the caller’s last live key.' },
  },
  {
    method: 'get',
    path: '/account',
    summary: "The caller's account",
    tags: ['Account'],
    responses: { 200: { description: 'The account.', schema: accountSchema } },
  },
  {
    method: 'get',
    path: '/account/credits',
    summary: 'Credit balance and transaction history',
    tags: ['Account'],
    request: { query: accountPageQuery },
    responses: { 200: { description: 'The balance and a page of transactions.', schema: creditsSchema } },
  },
  {
    method: 'get',
    path: '/account/leases',
    summary: "The caller's live proxy leases",
    tags: ['Account'],
    request: { query: accountPageQuery },
    responses: {
      200: {
        description: 'A page of live leases, newest first.',
        schema: pageOf(accountLeaseSchema, 'AccountLeasePage'),
      },
    },
  },
  {
    method: 'post',
    path: '/admin/users/{user_id}/credits',
    summary: "Credit or debit a user's balance",
    description: 'Positive amounts are recorded as `purchase`, negative ones as `adjustment`.',
    tags: ['Admin'],
    admin: true,
    request: { params: userParams, body: creditsBody },
    responses: { 201: { description: 'The new balance and the transaction.', schema: adjustmentSchema } },
    errors: { NOT_FOUND: 'no such user.', INSUFFICIENT_BALANCE: 'a debit larger than the balance.' },
  },
];
