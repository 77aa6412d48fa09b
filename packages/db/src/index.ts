export { createDatabase, pingDatabase } from './client.js';
export type { Database, DatabaseOptions } from './client.js';
export { Prisma } from '../generated/client/index.js';
export type {
  User,
  ApiKey,
  CreditTransaction,
  Source,
  Proxy,
  ProxyCheck,
  Lease,
  UserWebhook,
  UserRole,
  TxType,
  ProxyProtocol,
  ProxyStatus,
  Anonymity,
} from '../generated/client/index.js';
export * from './accounts.sql.js';
export * from './scrape.sql.js';
export * from './sources.sql.js';
