import { z } from 'zod';
import { createBody, listQuery, patchBody } from '../../routes/site-checks.routes.js';
import type { RouteDoc } from '../route-doc.js';
import { siteCheckSchema } from '../responses/site-checks.responses.js';
import { pageOf, uuid } from '../schemas.js';

const siteCheckIdParams = z.object({ site_check_id: uuid });
const notFound = { NOT_FOUND: 'no such site check.' } as const;
const unsafeUrl = 'the URL is not http(s) or reaches a non-public address.';
const exists = 'another site check has this name; `details.site_check_id` names it.';

export const siteChecksDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/site-checks',
    summary: 'List site checks',
    description: 'Newest first, each with the proxies checked and passing within its window.',
    tags: ['Site checks'],
    request: { query: listQuery },
    responses: {
      200: { description: 'A page of site checks.', schema: pageOf(siteCheckSchema, 'SiteCheckPage') },
    },
  },
  {
    method: 'post',
    path: '/site-checks',
    summary: 'Define a site check',
    description:
      'A URL fetched through a rotating sample of `sample_size` active proxies every `interval_seconds`; a proxy passes when the status is `expected_status` and the body contains `body_substring` and matches `body_regex` (those given). Runs start at the next sweep.',
    tags: ['Site checks'],
    admin: true,
    request: { body: createBody },
    responses: { 201: { description: 'The created site check.', schema: siteCheckSchema } },
    errors: { UNSAFE_URL: unsafeUrl, SITE_CHECK_EXISTS: exists },
  },
  {
    method: 'get',
    path: '/site-checks/{site_check_id}',
    summary: 'One site check',
    tags: ['Site checks'],
    request: { params: siteCheckIdParams },
    responses: { 200: { description: 'The site check.', schema: siteCheckSchema } },
    errors: notFound,
  },
  {
    method: 'patch',
    path: '/site-checks/{site_check_id}',
    summary: 'Update a site check',
    description:
      'Only the given fields change; `null` clears a body assertion. Stored results stay until they age out.',
    tags: ['Site checks'],
    admin: true,
    request: { params: siteCheckIdParams, body: patchBody },
    responses: { 200: { description: 'The updated site check.', schema: siteCheckSchema } },
    errors: { ...notFound, UNSAFE_URL: unsafeUrl, SITE_CHECK_EXISTS: exists },
  },
  {
    method: 'delete',
    path: '/site-checks/{site_check_id}',
    summary: 'Delete a site check',
    description: 'Its results go with it; the per-site figures they fed stay.',
    tags: ['Site checks'],
    admin: true,
    request: { params: siteCheckIdParams },
    responses: { 204: { description: 'Deleted.' } },
    errors: notFound,
  },
];
