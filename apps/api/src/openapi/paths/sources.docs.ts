import { z } from 'zod';
import { createBody, listQuery, patchBody } from '../../routes/sources.routes.js';
import type { RouteDoc } from '../route-doc.js';
import { pageOf, protocolEnum, timestamp, uuid } from '../schemas.js';

const source = z
  .object({
    id: uuid,
    url: z.string().meta({
      description:
        'Normalised by the WHATWG URL parser, fragment dropped. Admins see it whole with credentials masked; other users see scheme, host and path only (no query string, where paid lists keep their tokens).',
      example: 'https://example.com/proxies.txt',
    }),
    parser_name: z.string().meta({ example: 'plaintext' }),
    cron_schedule: z.string().meta({ example: '*/30 * * * *' }),
    default_protocol: protocolEnum,
    is_active: z.boolean(),
    last_scraped_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    last_error: z.string().nullable().meta({ description: 'The last failed scrape’s error; null after a success.' }),
    consecutive_failures: z.number().int(),
    last_discovered: z.number().int().nullable().meta({ description: 'Proxies the last successful scrape found.' }),
    last_new: z.number().int().nullable(),
    last_skipped: z.number().int().nullable(),
  })
  .meta({ id: 'Source' });

const scrapeResult = z
  .object({
    source_id: uuid,
    proxies_discovered: z.number().int(),
    proxies_new: z.number().int(),
    proxies_updated: z.number().int(),
    duration_ms: z.number().int(),
  })
  .meta({ id: 'ScrapeResult' });

const scrapeQueued = z.object({ job_id: z.string(), status: z.literal('queued') }).meta({ id: 'ScrapeQueued' });

const sourceIdParams = z.object({ source_id: uuid });
const notFound = { NOT_FOUND: 'no such source.' } as const;
const unsafeUrl = 'the URL is not http(s) or reaches a non-public address.';
const sourceExists = 'another source has this URL (compared normalised); `details.source_id` names it.';

export const sourcesDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/sources',
    summary: 'List proxy sources',
    tags: ['Sources'],
    request: { query: listQuery },
    responses: { 200: { description: 'A page of sources, newest first.', schema: pageOf(source, 'SourcePage') } },
  },
  {
    method: 'post',
    path: '/sources',
    summary: 'Add a proxy source',
    description:
      'Without `parser_name`, a sample of the list is fetched and every registered parser asked whether it supports it. Without `default_protocol`, the protocol the URL path names (`/socks5.txt`, `/socks4/`, `/https.txt`) is the default, else `http`. One source per URL: a URL another source has (compared normalised, also under concurrent requests) is 409.',
    tags: ['Sources'],
    admin: true,
    request: { body: createBody },
    responses: { 201: { description: 'The created source (scheduled).', schema: source } },
    errors: { NO_MATCHING_PARSER: 'no parser_name given and no registered parser recognises the list.', UNSAFE_URL: unsafeUrl, SOURCE_EXISTS: sourceExists },
  },
  {
    method: 'get',
    path: '/sources/{source_id}',
    summary: 'One source',
    tags: ['Sources'],
    request: { params: sourceIdParams },
    responses: { 200: { description: 'The source.', schema: source } },
    errors: notFound,
  },
  {
    method: 'patch',
    path: '/sources/{source_id}',
    summary: 'Update a source',
    description: 'All fields are optional; only the given fields change. The schedule follows.',
    tags: ['Sources'],
    admin: true,
    request: { params: sourceIdParams, body: patchBody },
    responses: { 200: { description: 'The updated source.', schema: source } },
    errors: { ...notFound, UNSAFE_URL: unsafeUrl, SOURCE_EXISTS: sourceExists },
  },
  {
    method: 'delete',
    path: '/sources/{source_id}',
    summary: 'Delete a source',
    description: 'Its proxies are not deleted (other sources may list them).',
    tags: ['Sources'],
    admin: true,
    request: { params: sourceIdParams },
    responses: { 204: { description: 'Deleted.' } },
    errors: notFound,
  },
  {
    method: 'post',
    path: '/sources/{source_id}/scrape',
    summary: 'Scrape a source now',
    description: 'Queues the scrape the schedule would run and waits for it for a while.',
    tags: ['Sources'],
    admin: true,
    request: { params: sourceIdParams },
    responses: {
      200: { description: 'The scrape finished: its result.', schema: scrapeResult },
      202: { description: 'Still queued or running when the wait ended.', schema: scrapeQueued },
    },
    errors: { ...notFound, SCRAPE_FAILED: 'the scrape failed; `details.error` says why.' },
  },
];
