import { PROXY_PROTOCOLS } from '@proxy-pool/plugin-contracts';
import { enqueue, type UrlTestResult } from '@proxy-pool/queues';
import { checkUrl } from '@proxy-pool/ssrf';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { jobEvents } from './job-events.js';
import { withQueue } from './queue-guard.js';
import { AppError } from '../errors.js';
import { countryCode } from '../http/validate.js';

export const urlTestBodySchema = z
  .object({
    url: z
      .string()
      .max(2048)
      .refine(
        (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
        'must be an http or https URL',
      ),
    count: z.number().int().min(1).max(50).default(5),
    timeout_seconds: z.number().min(1).max(60).default(10),
    protocol: z.enum(PROXY_PROTOCOLS).optional(),
    country: countryCode.optional(),
  })
  .strict();
export type UrlTestBody = z.infer<typeof urlTestBodySchema>;

/**
 * Queues a `url-test` job (run by a checker: the `count` best matching active proxies request the URL) and
 * waits for its result up to URL_TEST_WAIT_MS. No matching active proxy: empty results, success_rate 0.
 * A URL that is not http(s) or reaches a non-public address (unless ALLOW_PRIVATE_TARGETS) is refused first.
 */
export async function runUrlTest(ctx: ApiContext, body: UrlTestBody): Promise<UrlTestResult> {
  const verdict = await checkUrl(body.url, { allowPrivate: ctx.config.ALLOW_PRIVATE_TARGETS });
  if (!verdict.ok)
    throw new AppError('UNSAFE_URL', `The URL is not allowed: ${verdict.reason}.`, {
      field: 'url',
      reason: verdict.reason,
    });
  const events = jobEvents(ctx, 'urlTest');
  await withQueue(ctx, () => events.waitUntilReady());
  const job = await withQueue(ctx, () =>
    enqueue(ctx.queues.urlTest, 'urlTest', {
      url: body.url,
      count: body.count,
      timeout_seconds: body.timeout_seconds,
      ...(body.protocol ? { protocol: body.protocol } : {}),
      ...(body.country ? { country: body.country } : {}),
    }),
  );
  try {
    return (await job.waitUntilFinished(events, ctx.config.URL_TEST_WAIT_MS)) as UrlTestResult;
  } catch (error) {
    const state = await withQueue(ctx, () => job.getState()).catch(() => 'unknown');
    if (state === 'failed') {
      const reason = (error as Error).message;
      throw new AppError('URL_TEST_FAILED', `The URL test failed: ${reason}`, {
        job_id: String(job.id),
        error: reason,
      });
    }
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized')
      await job.remove().catch(() => undefined);
    throw new AppError(
      'URL_TEST_TIMEOUT',
      `No checker finished the URL test within ${ctx.config.URL_TEST_WAIT_MS} ms.`,
      {
        job_id: String(job.id),
        state,
      },
    );
  }
}
