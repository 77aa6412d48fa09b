import { urlTestResultSchema } from '@proxy-pool/queues';
import { z } from 'zod';
import { urlTestBodySchema } from '../../services/url-test.service.js';
import type { RouteDoc } from '../route-doc.js';
import { proxyDetailSchema } from '../responses/checks.responses.js';
import { uuid } from '../schemas.js';

const urlTestResult = urlTestResultSchema.meta({ id: 'UrlTestResult' });

/** The judge is a protocol endpoint for checkers, not part of the REST surface: its own answer and error shapes. */
const judgeQuery = z.object({ nonce: z.string().regex(/^[0-9a-f]{16,128}$/) });

const judgeAnswer = z
  .object({
    nonce: z.string(),
    proof: z.string().meta({ description: 'HMAC-SHA256 of the nonce under the judge secret.' }),
    remote_addr: z.string().meta({ description: 'The address the request came from.' }),
    headers: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .meta({ description: 'The request headers as received.' }),
    signature: z.string().meta({ description: 'HMAC over nonce, remote_addr and headers.' }),
  })
  .meta({ id: 'JudgeAnswer' });

const judgeError = z.object({
  error: z.object({ code: z.literal('INVALID_NONCE'), message: z.string(), details: z.null() }),
});

const proxyIdParams = z.object({ proxy_id: uuid });

export const checksDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/proxies/{proxy_id}',
    summary: 'One proxy with its recent checks',
    tags: ['Proxies'],
    request: { params: proxyIdParams },
    responses: { 200: { description: 'The proxy and its newest check rows.', schema: proxyDetailSchema } },
    errors: { NOT_FOUND: 'no such proxy.' },
  },
  {
    method: 'post',
    path: '/proxies/test',
    summary: 'Test whether good proxies reach a URL',
    description:
      'The `count` best matching active proxies request the URL (run by a checker). No matching proxy: empty results.',
    tags: ['Proxies'],
    request: { body: urlTestBodySchema },
    responses: { 200: { description: 'One result per proxy tried.', schema: urlTestResult } },
    errors: {
      UNSAFE_URL: 'the URL is not http(s) or reaches a non-public address.',
      URL_TEST_FAILED: 'the checker failed to run the test.',
      URL_TEST_TIMEOUT: 'no checker finished the test in time.',
    },
  },
  {
    method: 'get',
    path: '/judge',
    summary: 'Proxy judge',
    description:
      'For checkers: echoes the caller’s address and headers with an HMAC proof of the nonce, so a checker can tell what a proxy revealed.',
    tags: ['System'],
    public: true,
    standardErrors: false,
    request: { query: judgeQuery },
    responses: {
      200: { description: 'What the judge saw.', schema: judgeAnswer },
      400: { description: '`INVALID_NONCE`: nonce is not 16–128 lowercase hex characters.', schema: judgeError },
    },
  },
];
