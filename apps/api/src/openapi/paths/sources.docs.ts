import { z } from 'zod';
import { createBody, listQuery, patchBody } from '../../routes/sources.routes.js';
import type { RouteDoc } from '../route-doc.js';
import { scrapeQueuedSchema, scrapeResultSchema, sourceSchema } from '../responses/sources.responses.js';
import { pageOf, uuid } from '../schemas.js';

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
    responses: { 200: { description: 'A page of sources, newest first.', schema: pageOf(sourceSchema, 'SourcePage') } },
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
    responses: { 201: { description: 'The created source (scheduled).', schema: sourceSchema } },
    errors: {
      NO_MATCHING_PARSER: 'no parser_name given and no registered parser recognises the list.',
      UNSAFE_URL: unsafeUrl,
      SOURCE_EXISTS: sourceExists,
    },
  },
  {
    method: 'get',
    path: '/sources/{source_id}',
    summary: 'One source',
    tags: ['Sources'],
    request: { params: sourceIdParams },
    responses: { 200: { description: 'The source.', schema: sourceSchema } },
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
    responses: { 200: { description: 'The updated source.', schema: sourceSchema } },
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
      200: { description: 'The scrape finished: its result.', schema: scrapeResultSchema },
      202: { description: 'Still queued or running when the wait ended.', schema: scrapeQueuedSchema },
    },
    errors: { ...notFound, SCRAPE_FAILED: 'the scrape failed; `details.error` says why.' },
  },
];
