export { DEFAULT_HOST, isLoopbackDestination, peerAddress } from './server-handle.js';
export type { ServerHandle } from './server-handle.js';
export { basicAuthHeader, forwardProxy } from './forward-proxy.js';
export type {
  ForwardProxy,
  ForwardProxyKind,
  ForwardProxyOptions,
  ProxyCredentials,
  ProxyStats,
} from './forward-proxy.js';
export { socks4Server } from './socks4-server.js';
export { socks5Server } from './socks5-server.js';
export type { Socks5Options } from './socks5-server.js';
export type { SocksServer, SocksServerOptions, SocksStats } from './socks-relay.js';
export { CANNED_PAGE, cannedPage, errorProxy, staticResponder } from './static-responder.js';
export type { StaticResponder, StaticResponderOptions } from './static-responder.js';
export { blackHole, deadPort } from './raw-servers.js';
export type { BlackHole } from './raw-servers.js';
export { echoServer, httpServer } from './http-servers.js';
export type { EchoAnswer, RequestHandler } from './http-servers.js';
export { loopbackProxyLine, sourceListServer } from './source-list-server.js';
export type { SourceListServer, SourceRoute } from './source-list-server.js';
export { fleetHost, startProxyFleet } from './proxy-fleet.js';
export type { FleetKind, FleetOptions, ProxyFleet } from './proxy-fleet.js';
export { addressFleetHost, startAddressFleet } from './address-fleet.js';
export { eventually } from './eventually.js';
export { clearKeys } from './redis-keys.js';
export type { KeyStore } from './redis-keys.js';
export { startRedisCluster } from './redis-cluster.js';
export type { RedisClusterHandle } from './redis-cluster.js';
export { startRedisSentinel } from './redis-sentinel.js';
export type { RedisSentinelHandle } from './redis-sentinel.js';
export { privateDatabase, type PrivateDatabase } from './private-database.js';
export { headlessChromium } from './chromium.js';
export { selfSignedCertificate, type SelfSigned } from './self-signed.js';
export { mitmProxy } from './mitm-proxy.js';
export type { InterceptIdentity, MitmProxy } from './mitm-proxy.js';
export { buildMmdb, type MmdbNetwork, type MmdbValue } from './mmdb-writer.js';
