import { z } from 'zod';
import { createAllowEntryBody } from '../../routes/gateway-account.routes.js';
import type { RouteDoc } from '../route-doc.js';
import { timestamp, uuid } from '../schemas.js';

const bytes = z.number().int().min(0);

const usageSchema = z
  .object({
    items: z.array(
      z.object({
        api_key_id: uuid,
        prefix: z.string().meta({ example: 'pp_a1b2c' }),
        label: z.string(),
        connections: z
          .number()
          .int()
          .min(0)
          .meta({ description: 'Upstream connections opened for this key (each try counts).' }),
        bytes_in: bytes.meta({ description: 'Client to upstream.' }),
        bytes_out: bytes.meta({ description: 'Upstream to client.' }),
        updated_at: timestamp
          .nullable()
          .meta({ description: 'Last time traffic was added (null: never used the gateway).' }),
      }),
    ),
    total: z.object({ connections: z.number().int().min(0), bytes_in: bytes, bytes_out: bytes }),
  })
  .meta({ id: 'GatewayUsage' });

const allowEntrySchema = z
  .object({
    id: uuid,
    api_key_id: uuid,
    cidr: z.string().meta({ example: '203.0.113.0/24' }),
    params: z.string(),
    created_at: timestamp,
  })
  .meta({ id: 'GatewayAllowEntry' });

export const gatewayDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/account/usage',
    summary: "The caller's gateway traffic per API key",
    description:
      'Connections and bytes through the rotating gateway, added by the gateway every GATEWAY_FLUSH_MS (1 s by default).',
    tags: ['Account'],
    responses: {
      200: { description: 'Every key of the caller with its traffic, and the totals.', schema: usageSchema },
    },
  },
  {
    method: 'get',
    path: '/account/gateway/allowlist',
    summary: 'List the client addresses allowed into the gateway without credentials',
    tags: ['Account'],
    responses: {
      200: {
        description: 'All entries (at most 100), oldest first.',
        schema: z
          .object({ items: z.array(allowEntrySchema), next_cursor: z.null(), total_count: z.number().int() })
          .meta({ id: 'GatewayAllowlist' }),
      },
    },
  },
  {
    method: 'post',
    path: '/account/gateway/allowlist',
    summary: 'Allow a client address or block into the gateway without credentials',
    description:
      'For clients that cannot send proxy credentials (headless Chromium with --proxy-server). Their connections act as the given key, with `params` as the username parameters; the key pays for them. A block belongs to at most one key.',
    tags: ['Account'],
    request: { body: createAllowEntryBody },
    responses: { 201: { description: 'The new entry.', schema: allowEntrySchema } },
    errors: {
      NOT_FOUND: "api_key_id is not one of the caller's live keys.",
      CONFLICT: 'the block is already on an allowlist, or the caller has 100 entries.',
    },
  },
  {
    method: 'delete',
    path: '/account/gateway/allowlist/{entry_id}',
    summary: 'Remove an allowlist entry',
    tags: ['Account'],
    request: { params: z.object({ entry_id: uuid }) },
    responses: { 204: { description: 'Removed.' } },
    errors: { NOT_FOUND: "no such entry among the caller's." },
  },
];
