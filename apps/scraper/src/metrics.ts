import { onDeliveryOutcome } from '@proxy-pool/notifiers';
import { collectProcessMetrics, METRIC_PREFIX } from '@proxy-pool/worker-runtime';
import { Counter, Histogram, Registry } from 'prom-client';

export interface ScraperMetrics {
  registry: Registry;
  scrapes: Counter<'outcome'>;
  proxiesNew: Counter;
  duration: Histogram;
}

/**
 * Notification deliveries of this process (its notify worker), by notifier and outcome. One counter and one
 * subscription per process, shown by every scraper registry in it.
 */
const notificationDeliveries = new Counter({
  name: `${METRIC_PREFIX}notification_deliveries_total`,
  help: 'Notification deliveries by notifier and outcome (delivered, failed: retried with backoff, skipped)',
  labelNames: ['notifier', 'outcome'],
  registers: [],
});
onDeliveryOutcome((notifier, outcome) => notificationDeliveries.inc({ notifier, outcome }));

/** A registry per scraper instance (several can live in one process: the all-in-one launcher, tests). */
export function createScraperMetrics(defaults = false): ScraperMetrics {
  const registry = new Registry();
  if (defaults) collectProcessMetrics(registry);
  registry.registerMetric(notificationDeliveries);
  return {
    registry,
    scrapes: new Counter({
      name: `${METRIC_PREFIX}scraper_scrapes_total`,
      help: 'Scrape jobs by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    proxiesNew: new Counter({
      name: `${METRIC_PREFIX}scraper_proxies_new_total`,
      help: 'Proxies first seen by a scrape',
      registers: [registry],
    }),
    duration: new Histogram({
      name: `${METRIC_PREFIX}scraper_scrape_duration_seconds`,
      help: 'Scrape job duration',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}
