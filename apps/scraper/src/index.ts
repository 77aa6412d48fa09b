export { loadScraperConfig, scraperConfigSchema, type ScraperConfig } from './config.js';
export { openScraper, scraperParsers, type Scraper, type ScraperOptions } from './scraper.js';
export { startScraper, type RunningScraper } from './main.js';
