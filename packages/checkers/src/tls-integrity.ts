import type { PeerCertificate } from 'node:tls';
import { defineChecker } from '@proxy-pool/plugin-contracts';
import type { CheckContext, CheckOutcome, Checker } from '@proxy-pool/plugin-contracts';
import { ConnectRefused, failureDetail } from './check-failure.js';
import { Exchange } from './exchange.js';
import { parseJudgeUrl } from './judge-target.js';
import type { JudgeTarget } from './judge-target.js';
import { openTunnel } from './proxy-handshakes.js';
import { BUILTIN_CHECKER_STAGES } from './stages.js';

export interface TlsIntegrityOptions {
  /** `host:port` of the judge's TLS listener as proxies reach it (`[v6]:port` for IPv6). */
  target: string;
  /**
   * The SHA-256 fingerprints of the judge's certificate(s), in `normalizeFingerprint` form; empty while
   * unknown (the check is then not conclusive). Several allow a certificate change without false alarms.
   */
  pins: () => readonly string[];
  /** A proxy whose TLS integrity was established less than this long ago is not checked again (0: every time). */
  everyMs?: number;
}

/** A SHA-256 fingerprint as Node prints it (`AB:CD:…`, 32 bytes), from hex with or without colons; throws otherwise. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new Error(`not a SHA-256 fingerprint: ${text}`);
  return hex.match(/../g)?.join(':') ?? hex;
}

/**
 * Stage 4 (advisory): a tunnel through the proxy to the judge's TLS listener, a TLS handshake, and the
 * presented certificate compared with the pin. Another certificate means the proxy terminates TLS itself
 * (`mitm: true`); the judge's own clears the flag (`mitm: false`). A plain-HTTP proxy that refuses CONNECT
 * passes with "no CONNECT support" and leaves the flag as it was; so does any failure before a certificate
 * is seen (only a certificate is conclusive). A TLS handshake costs the checker more CPU than the rest of a
 * validation, so a proxy with a conclusion younger than `everyMs` passes as "not due" without a connection.
 */
export function createTlsIntegrityChecker(options: TlsIntegrityOptions): Checker {
  const judge = parseJudgeUrl(`https://${options.target}/`);
  return defineChecker({
    name: 'tls_integrity',
    stage: BUILTIN_CHECKER_STAGES.tls_integrity,
    priority: 0,
    advisory: true,
    check: (context) => {
      const last = context.target.tlsCheckedAt ? Date.parse(context.target.tlsCheckedAt) : Number.NaN;
      if (options.everyMs && Date.now() - last < options.everyMs)
        return Promise.resolve({
          passed: true,
          latencyMs: null,
          detail: `not due: concluded at ${new Date(last).toISOString()}`,
        });
      return checkTls(context, judge, options.pins());
    },
  });
}

async function checkTls(context: CheckContext, judge: JudgeTarget, pins: readonly string[]): Promise<CheckOutcome> {
  if (pins.length === 0)
    return { passed: false, latencyMs: null, detail: "not checked: the judge's TLS certificate is not known yet" };
  const { target } = context;
  const exchange = new Exchange({ ...context, maxBytes: 16 * 1024 });
  try {
    await exchange.connect(target.ip, target.port);
    await openTunnel(exchange, target, judge);
    const certificate = await exchange.startTls(judge.host, undefined, { verify: false });
    const latencyMs = exchange.elapsedMs();
    const seen = certificate.fingerprint256;
    if (seen === undefined || seen === '')
      return { passed: false, latencyMs: null, detail: 'TLS handshake through the proxy presented no certificate' };
    if (pins.includes(seen))
      return {
        passed: true,
        latencyMs,
        detail: `judge certificate presented (SHA-256 ${seen})`,
        facts: { mitm: false },
      };
    return {
      passed: false,
      latencyMs,
      detail: `MITM: the proxy presented another certificate than the judge's: ${describeCertificate(certificate)}`,
      facts: { mitm: true },
    };
  } catch (error) {
    if (error instanceof ConnectRefused && target.protocol === 'http')
      return { passed: true, latencyMs: null, detail: `no CONNECT support (proxy answered ${error.status})` };
    return { passed: false, latencyMs: null, detail: `not conclusive: ${failureDetail(error)}` };
  } finally {
    exchange.close();
  }
}

function describeCertificate(certificate: PeerCertificate): string {
  const name = (entity: PeerCertificate['subject'] | undefined): string => {
    const value = entity?.CN ?? entity?.O;
    return value === undefined ? 'no name' : String(value);
  };
  return `subject ${name(certificate.subject)}, issuer ${name(certificate.issuer)}, SHA-256 ${certificate.fingerprint256}`;
}
