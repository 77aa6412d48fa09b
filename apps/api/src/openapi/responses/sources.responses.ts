import { scrapeResultSchema as scrapeJobResultSchema } from '@proxy-pool/queues';
import { z } from 'zod';
import { protocolEnum, timestamp, uuid } from '../schemas.js';

/** A source as the API shows it: the spec's fields plus its scrape health. */
export const sourceSchema = z
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
export type SourceView = z.infer<typeof sourceSchema>;

/** The scrape job's result as the spec words it (without the job's `proxies_skipped`). */
export const scrapeResultSchema = scrapeJobResultSchema.omit({ proxies_skipped: true }).meta({ id: 'ScrapeResult' });
export type ScrapeResultView = z.infer<typeof scrapeResultSchema>;

export const scrapeQueuedSchema = z
  .object({ job_id: z.string(), status: z.literal('queued') })
  .meta({ id: 'ScrapeQueued' });
export type ScrapeQueued = z.infer<typeof scrapeQueuedSchema>;
