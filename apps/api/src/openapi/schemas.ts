import { IpType, ProxyStatus, TxType } from '@proxy-pool/db';
import { ANONYMITY_LEVELS, PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';

/**
 * Response schemas shared by several domains (each domain's own are in responses/): the answers' exact shapes.
 * They feed the OpenAPI document and, through `z.infer`, the return types of the services that build the
 * answers; nothing parses them at run time.
 */

export const timestamp = z.iso.datetime().meta({ description: 'ISO-8601 UTC', example: '2025-01-15T10:30:00Z' });
export const uuid = z.uuid();
export const protocolEnum = z.enum(PROXY_PROTOCOLS);
export const anonymityEnum = z.enum(ANONYMITY_LEVELS);
export const ipTypeEnum = z.enum(IpType);
export const proxyStatusEnum = z.enum(ProxyStatus);

const errorCodes = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The one error shape every error answer has. */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string().meta({ description: 'For people; may change between versions.' }),
      details: z.record(z.string(), z.unknown()).meta({
        description: 'Machine-readable context; VALIDATION_ERROR lists `fields: [{field, message}]`.',
      }),
    }),
  })
  .meta({
    id: 'ErrorEnvelope',
    example: {
      error: {
        code: 'INSUFFICIENT_CREDITS',
        message: 'You need at least 1 credit to acquire a proxy. Current balance: 0.',
        details: {},
      },
    },
  });

/** A cursor-paginated list: `next_cursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
      total_count: z.number().int(),
    })
    .meta({ id });
}

/** A proxy as lists, exports and the detail view show it. */
export const proxyItemSchema = z
  .object({
    id: uuid,
    ip: z.string().meta({ example: '203.0.113.42' }),
    port: z.number().int(),
    protocol: protocolEnum,
    status: proxyStatusEnum,
    anonymity: anonymityEnum.nullable(),
    exit_ip: z.string().nullable(),
    country: z.string().nullable().meta({ description: 'ISO 3166-1 alpha-2', example: 'US' }),
    asn: z.number().int().nullable().meta({ description: 'Autonomous system of the exit IP', example: 16509 }),
    as_org: z.string().nullable().meta({ description: 'Organisation running that AS', example: 'Amazon.com, Inc.' }),
    ip_type: ipTypeEnum.meta({
      description:
        '`hosting`: the AS is on the curated list of hosting ASNs; `residential_or_business`: another AS; `unknown`: no AS known.',
    }),
    mitm: z.boolean().meta({
      description:
        "The last conclusive TLS integrity check saw another certificate than the judge's: the proxy intercepts TLS. Never leased and never used for gateway tunnels; plain HTTP only.",
    }),
    score: z.number().meta({ description: 'Composite score, 0.0–1.0' }),
    avg_latency_ms: z.number().nullable(),
    uptime_pct: z.number(),
    last_checked_at: timestamp.nullable(),
    first_seen_at: timestamp,
    tags: z.record(z.string(), z.unknown()).meta({ example: { provider: 'datacenter' } }),
    site_rate: z.number().optional().meta({
      description:
        'Only in GET /proxies with `target=` and the default sort: the smoothed success rate on the site, (successes + 1) / (successes + failures + 2).',
    }),
  })
  .meta({ id: 'Proxy' });
export type ProxyItem = z.infer<typeof proxyItemSchema>;

/** The proxy fields a lease holder gets (acquire answers, the caller's lease list). */
export const leasedProxySchema = z.object({
  ip: z.string(),
  port: z.number().int(),
  protocol: protocolEnum,
  country: z.string().nullable(),
  anonymity: anonymityEnum.nullable(),
});

export const txTypeEnum = z.enum(TxType);
