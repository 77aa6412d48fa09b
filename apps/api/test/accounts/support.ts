import { randomUUID } from 'node:crypto';
import type { TestApi } from '../support/harness.js';

export const uniqueEmail = (tag = 'acct'): string => `${tag}-${randomUUID()}@example.test`;

export interface Registered {
  userId: string;
  keyId: string;
  key: string;
  email: string;
  auth: { Authorization: string };
}

/** Registers through the API, as a client would. */
export async function registerViaApi(api: TestApi, email = uniqueEmail()): Promise<Registered> {
  const res = await api.request.post('/auth/register').send({ email, display_name: 'Tester' });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { user: { id: string }; api_key: { id: string; key: string } };
  return {
    userId: body.user.id,
    keyId: body.api_key.id,
    key: body.api_key.key,
    email,
    auth: { Authorization: `Bearer ${body.api_key.key}` },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
