import type { Database } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';
import type { QueueContext, RedisConnection, TypedQueue } from '@proxy-pool/queues';
import type { ApiConfig } from './config.js';
import type { ApiMetrics } from './http/metrics.js';
import type { KeyHolderCache } from './services/key-holder-cache.js';
import type { LocalCache } from './services/local-cache.js';

export interface ApiQueues {
  scrape: TypedQueue<'scrape'>;
  validate: TypedQueue<'validate'>;
  urlTest: TypedQueue<'urlTest'>;
  /** Only watched (Bull Board, queue metrics): the scraper's maintenance task fills it. */
  siteCheck: TypedQueue<'siteCheck'>;
  maintenance: TypedQueue<'maintenance'>;
  events: TypedQueue<'events'>;
  notify: TypedQueue<'notify'>;
}

/** Everything a route or service needs, built once in main.ts (or by a test). */
export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  db: Database;
  /** Fail-fast connection for commands (rate limits, queue adds). */
  redis: RedisConnection;
  queueContext: QueueContext;
  queues: ApiQueues;
  version: string;
  metrics: ApiMetrics;
  /** GET /proxies answers (UTF-8 JSON) by query, kept PROXY_PAGE_CACHE_MS. */
  proxyPages: LocalCache<Buffer>;
  /** API key → holder, kept exact by the database's change notifications. */
  keyHolders: KeyHolderCache;
}
