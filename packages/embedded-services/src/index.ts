export {
  ensureLocalServices,
  findRunningServices,
  LocalServiceError,
  type LocalServices,
  type LocalServicesOptions,
} from './local-services.js';
export {
  postgresAnswers,
  startPostgresServer,
  type PostgresServerOptions,
  type RunningPostgres,
} from './postgres-server.js';
export {
  findRedisServer,
  redisAnswers,
  startRedisServer,
  type RedisServerOptions,
  type RunningRedis,
} from './redis-server.js';
export { choosePort, isPortFree } from './ports.js';
