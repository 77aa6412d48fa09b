import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';
import { accountsDocs } from './paths/accounts.docs.js';
import { checksDocs } from './paths/checks.docs.js';
import { gatewayDocs } from './paths/gateway.docs.js';
import { leaseReportDocs } from './paths/lease-reports.docs.js';
import { poolDocs } from './paths/pool.docs.js';
import { siteChecksDocs } from './paths/site-checks.docs.js';
import { sourcesDocs } from './paths/sources.docs.js';
import { systemDocs } from './paths/system.docs.js';
import { webhooksDocs } from './paths/webhooks.docs.js';
import type { RouteDoc } from './route-doc.js';
import { errorEnvelopeSchema } from './schemas.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** Every documented operation; the coverage test holds this list and the app's routes to each other. */
export const routeDocs: readonly RouteDoc[] = [
  ...accountsDocs,
  ...gatewayDocs,
  ...webhooksDocs,
  ...sourcesDocs,
  ...poolDocs,
  ...leaseReportDocs,
  ...checksDocs,
  ...siteChecksDocs,
  ...systemDocs,
];

const BEARER = 'bearerAuth';
const BASIC = 'basicAuth';

const TAGS = [
  { name: 'Auth', description: 'Registration and API keys.' },
  { name: 'Account', description: "The caller's account, credits and leases." },
  { name: 'Webhooks', description: "The caller's webhooks for their own events." },
  { name: 'Admin', description: 'Admin-only operations.' },
  { name: 'Sources', description: 'Proxy list sources and their scrapes.' },
  { name: 'Proxies', description: 'The pool: query, export, lease, inspect, test.' },
  { name: 'Site checks', description: 'Admin-defined checks of a target site through samples of the pool.' },
  { name: 'Stats', description: 'Pool and plugin status.' },
  { name: 'System', description: 'Health, metrics, the judge and this documentation.' },
];

const retryAfter = z.object({ 'Retry-After': z.string().meta({ description: 'Seconds to wait before retrying.' }) });

/** The error answers every operation of a kind shares, before its own. */
function errorsOf(doc: RouteDoc): Array<[ErrorCode, string]> {
  const own = Object.entries(doc.errors ?? {}) as Array<[ErrorCode, string]>;
  if (doc.standardErrors === false) return own;
  const request = doc.request ?? {};
  const paged = request.query !== undefined && 'shape' in request.query && 'cursor' in request.query.shape;
  const list: Array<[ErrorCode, string] | false> = [
    request.body !== undefined && ['INVALID_JSON', 'the body is not valid JSON.'],
    paged && ['INVALID_CURSOR', 'the cursor is malformed or belongs to another query.'],
    !doc.public && ['UNAUTHORIZED', 'the API key is missing, malformed, unknown or revoked.'],
    doc.admin === true && ['FORBIDDEN', 'the caller does not have the admin role.'],
    request.body !== undefined && ['PAYLOAD_TOO_LARGE', 'the body is larger than 1 MB.'],
    (request.body ?? request.query ?? request.headers) !== undefined && [
      'VALIDATION_ERROR',
      'an input is invalid; `details.fields` names each.',
    ],
    !doc.public && ['RATE_LIMITED', 'too many requests for this key, or too many failed sign-ins from this address.'],
    doc.dependencies !== false && ['SERVICE_UNAVAILABLE', 'PostgreSQL or Redis cannot serve the request right now.'],
  ];
  return [...list.filter((entry): entry is [ErrorCode, string] => entry !== false), ...own];
}

function errorResponses(doc: RouteDoc): Record<string, ResponseConfig> {
  const byStatus = new Map<number, string[]>();
  for (const [code, when] of errorsOf(doc)) {
    const status = ERROR_STATUS[code];
    if (doc.responses[status] !== undefined)
      throw new Error(`${doc.method.toUpperCase()} ${doc.path}: ${status} is both a response and an error`);
    byStatus.set(status, [...(byStatus.get(status) ?? []), `- \`${code}\`: ${when}`]);
  }
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, lines] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: lines.join('\n'),
      ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
      content: { 'application/json': { schema: errorEnvelopeSchema } },
    };
  }
  return responses;
}

function successResponses(doc: RouteDoc): Record<string, ResponseConfig> {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    const content = response.content ?? (response.schema ? { 'application/json': response.schema } : undefined);
    responses[status] = {
      description: response.description,
      ...(content
        ? { content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }])) }
        : {}),
    };
  }
  return responses;
}

function toRouteConfig(doc: RouteDoc): RouteConfig {
  const { params, query, headers, body } = doc.request ?? {};
  const security: Array<Record<string, string[]>> = doc.public ? [] : [{ [BEARER]: [] }];
  if (doc.path.startsWith('/admin/queues')) security.push({ [BASIC]: [] });
  return {
    method: doc.method,
    path: doc.path,
    operationId: operationId(doc),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    security,
    request: {
      ...(params ? { params } : {}),
      ...(query ? { query } : {}),
      ...(headers ? { headers } : {}),
      ...(body ? { body: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    },
    responses: { ...successResponses(doc), ...errorResponses(doc) },
  };
}

/** `POST /sources/{source_id}/scrape` → `postSourcesSourceIdScrape`. */
function operationId(doc: RouteDoc): string {
  const words = doc.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return doc.method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** The OpenAPI 3.1 document of the whole API, built from the route docs. */
export function buildOpenApiDocument(version: string): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer pp_…` (pp_ and 48 characters).',
  });
  registry.registerComponent('securitySchemes', BASIC, {
    type: 'http',
    scheme: 'basic',
    description: 'For browsers (Bull Board): any user name, the API key as password.',
  });
  for (const doc of routeDocs) registry.registerPath(toRouteConfig(doc));
  return new OpenApiGeneratorV31([...registry.definitions, errorEnvelopeSchema], {
    sortComponents: 'alphabetically',
  }).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Proxy Pool API',
      version,
      description:
        'A self-hostable proxy pool: sources are scraped, proxies validated, and leased to API key holders for credits. ' +
        'Every error answers `{"error":{"code","message","details"}}`; lists are cursor-paginated.',
    },
    tags: TAGS,
  });
}
