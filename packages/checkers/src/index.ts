import type { Checker } from '@proxy-pool/plugin-contracts';
import { createGeoipChecker } from './geoip.js';
import { createHttpAnonymityChecker } from './http-anonymity.js';
import type { HttpAnonymityOptions } from './http-anonymity.js';
import { tcpConnectChecker } from './tcp-connect.js';

export { tcpConnectChecker } from './tcp-connect.js';
export { createHttpAnonymityChecker } from './http-anonymity.js';
export type { HttpAnonymityOptions } from './http-anonymity.js';
export { createGeoipChecker, defaultMmdbPath, openCountryLookup } from './geoip.js';
export type { CountryLookup, GeoipChecker } from './geoip.js';
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
}

/** The built-in pipeline: tcp_connect, http_anonymity, geoip (stages in `BUILTIN_CHECKER_STAGES`). */
export function builtinCheckers(options: BuiltinCheckerOptions): Checker[] {
  return [tcpConnectChecker, createHttpAnonymityChecker(options), createGeoipChecker({ mmdbPath: options.mmdbPath })];
}
export { socks5Address, socks5ReplyAddressRest } from './socks-address.js';
