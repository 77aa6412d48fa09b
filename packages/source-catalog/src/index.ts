export { CATALOG_FILE, CatalogError, loadCatalog, type CatalogEntry } from './catalog.js';
export { importCatalog, type ImportCatalogOptions, type ImportCatalogResult } from './import-catalog.js';
export { createScheduledSource, type ScheduleSource } from './create-source.js';
export { SOURCE_PARSERS, cronProblem, parserProblem, protocolFromUrlPath } from './source-rules.js';
