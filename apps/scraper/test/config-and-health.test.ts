import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '@proxy-pool/config';
import { loadScraperConfig } from '../src/config.js';
import { startTestScraper, type TestScraper } from './support.js';

describe('scraper config', () => {
  it('has the documented defaults', () => {
    expect(loadScraperConfig({})).toMatchObject({
      HEALTH_PORT: 9101,
      SCRAPE_TIMEOUT_MS: 30_000,
      SCRAPE_MAX_BYTES: 52_428_800,
      SCRAPE_MAX_REDIRECTS: 5,
      SOURCE_FAILING_AFTER: 3,
      VALIDATE_BATCH_SIZE: 500,
      ALLOW_PRIVATE_TARGETS: false,
    });
  });

  it('lists every bad key at once', () => {
    let caught: unknown;
    try {
      loadScraperConfig({ SCRAPER_CONCURRENCY: '0', SCRAPE_MAX_BYTES: 'lots', VALIDATE_BATCH_SIZE: '5000' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const key of ['SCRAPER_CONCURRENCY', 'SCRAPE_MAX_BYTES', 'VALIDATE_BATCH_SIZE'])
      expect(problems).toContain(key);
  });
});

describe('health port', () => {
  let scraper: TestScraper;
  beforeAll(async () => {
    scraper = await startTestScraper();
  });
  afterAll(async () => {
    await scraper?.close();
  });

  it('answers liveness, readiness and metrics', async () => {
    const base = `http://127.0.0.1:${scraper.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('proxypool_scraper_scrapes_total');
  });
});
