import type { Checker } from '@proxy-pool/plugin-contracts';
import { createExitNetworkChecker } from './exit-network.js';
import { createGeoipChecker } from './geoip.js';
import { createHttpAnonymityChecker } from './http-anonymity.js';
import { createTlsIntegrityChecker, type TlsIntegrityOptions } from './tls-integrity.js';
import type { HttpAnonymityOptions } from './http-anonymity.js';
import { tcpConnectChecker } from './tcp-connect.js';

export { tcpConnectChecker } from './tcp-connect.js';
export { createHttpAnonymityChecker } from './http-anonymity.js';
export type { HttpAnonymityOptions } from './http-anonymity.js';
export { createGeoipChecker, defaultMmdbPath, openCountryLookup } from './geoip.js';
export type { CountryLookup, GeoipChecker } from './geoip.js';
export { createExitNetworkChecker } from './exit-network.js';
export type { ExitNetworkChecker } from './exit-network.js';
export { defaultAsnFiles, openAsnLookup } from './asn.js';
export type { AsnLookup, AsnRecord } from './asn.js';
export { HOSTING_ASNS_FILE, hostingAsns, IP_TYPES, ipTypeOf } from './ip-type.js';
export type { HostingAsn, IpType } from './ip-type.js';
export { createJudgeHandler, newNonce, nonceProof, normalizeAddress, verifyJudgeAnswer } from './judge.js';
export type { JudgeAnswer, JudgeVerdict } from './judge.js';
export { classifyAnonymity, isRevealing, REVEALING_HEADERS } from './anonymity.js';
export type { AnonymityInput, SeenHeaders } from './anonymity.js';
export { learnOwnIp } from './learn-own-ip.js';
export type { LearnOwnIpOptions } from './learn-own-ip.js';
export { NEVER_ABORTED, watchAbort } from './abort-watch.js';
export { BUILTIN_ADVISORY_CHECKERS, BUILTIN_CHECKER_STAGES, BUILTIN_FINAL_STAGE } from './stages.js';
export { createTlsIntegrityChecker, normalizeFingerprint } from './tls-integrity.js';
export type { TlsIntegrityOptions } from './tls-integrity.js';

export interface BuiltinCheckerOptions extends HttpAnonymityOptions {
  /** A MaxMind GeoIP2/GeoLite2 country file replacing the bundled DB-IP Lite database. */
  mmdbPath?: string;
  /** A MaxMind GeoLite2-ASN file replacing the bundled ip-location-db ASN data. */
  asnMmdbPath?: string;
  /** The judge's TLS listener (`host:port`) and its pinned fingerprints: adds tls_integrity when given. */
  tls?: TlsIntegrityOptions;
}

/**
 * The built-in pipeline: tcp_connect, http_anonymity, geoip, exit_network and, with `tls`, tls_integrity
 * (stages in `BUILTIN_CHECKER_STAGES`).
 */
export function builtinCheckers(options: BuiltinCheckerOptions): Checker[] {
  return [
    tcpConnectChecker,
    createHttpAnonymityChecker(options),
    createGeoipChecker({ mmdbPath: options.mmdbPath }),
    createExitNetworkChecker({ asnMmdbPath: options.asnMmdbPath }),
    ...(options.tls ? [createTlsIntegrityChecker(options.tls)] : []),
  ];
}
export { socks5Address, socks5ReplyAddressRest } from './socks-address.js';
