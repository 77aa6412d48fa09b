export { createDatabase, inTransaction, pingDatabase, preparedRows, sqlRows } from './client.js';
export type { Database, DatabaseOptions, SqlRunner } from './client.js';
export { databaseUnavailable, raiseDatabaseError } from './dependency-errors.js';
export { Prisma } from '../generated/client/index.js';
export type {
  User,
  ApiKey,
  CreditTransaction,
  Source,
  Proxy,
  Lease,
  UserWebhook,
  ProxyProtocol,
  Anonymity,
} from '../generated/client/index.js';
/** Enums only the database names (each a value listing its members and a type): validate with `z.enum(ProxyStatus)`. */
export { UserRole, TxType, ProxyStatus, ReportOutcome, IpType } from '../generated/client/index.js';
export type { EnumParity } from './enums.js';
export * from './accounts.sql.js';
export * from './scrape.sql.js';
export * from './scrape-columns.js';
export * from './sources.sql.js';
export {
  PROXY_SORTS,
  SORT_ORDERS,
  proxyFilterConditions,
  queryProxyPage,
  countProxies,
  type ProxySort,
  type SortOrder,
  type ProxyFilters,
  type ProxyPosition,
  type ProxyPageQuery,
  type ProxyListRow,
} from './proxies.sql.js';
export {
  acquireLease,
  findLeaseByIdempotencyKey,
  type AcquireFilters,
  type AcquireInput,
  type AcquireOutcome,
  type AcquireHooks,
  type LeaseGrant,
  type LeasedProxy,
} from './leases.sql.js';
export { releaseLease, expireDueLeases, type LeaseEnd, type ExpiredLease } from './lease-expiry.sql.js';
export { readPoolStats, type PoolStatsRow } from './pool-stats.sql.js';
export * from './checks.sql.js';
export * from './maintenance.sql.js';
export * from './check-results.sql.js';
export * from './check-claims.sql.js';
export {
  watchKeyChanges,
  watchNotifications,
  KEY_CHANGES_CHANNEL,
  LEASE_STARTS_CHANNEL,
  EVERY_KEY,
  type KeyChangeHandlers,
  type NotificationHandlers,
  type NotificationWatch,
} from './notifications.js';
export { createDatabaseIfMissing, migrateDatabase, pendingMigrations } from './migrate.js';
export { withDatabase } from './cli-adapter.js';
export * from './gateway.sql.js';
export * from './gateway-allowlist.sql.js';
export * from './gateway-params.js';
export * from './site-stats.sql.js';
export * from './site-checks.sql.js';
export * from './lease-reports.sql.js';
export * from './refunds.sql.js';
export * from './site-ranked.sql.js';
export * from './judge-tls.sql.js';
