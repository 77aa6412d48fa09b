import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ScraperMetrics {
  registry: Registry;
  scrapes: Counter<'outcome'>;
  proxiesNew: Counter;
  duration: Histogram;
}

/** A registry per scraper instance (several can live in one process: the all-in-one launcher, tests). */
export function createScraperMetrics(defaults = false): ScraperMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    scrapes: new Counter({ name: 'scraper_scrapes_total', help: 'Scrape jobs by outcome', labelNames: ['outcome'], registers: [registry] }),
    proxiesNew: new Counter({ name: 'scraper_proxies_new_total', help: 'Proxies first seen by a scrape', registers: [registry] }),
    duration: new Histogram({
      name: 'scraper_scrape_duration_seconds',
      help: 'Scrape job duration',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}
