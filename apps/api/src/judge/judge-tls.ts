import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { claimJudgeTlsIdentity, readJudgeTlsIdentity, type JudgeTlsIdentity, type SqlRunner } from '@proxy-pool/db';
import { listen } from '@proxy-pool/worker-runtime';
import { generate } from 'selfsigned';
import { judgeRequestListener } from './judge-server.js';

export interface JudgeTlsSettings {
  /** 0: no TLS listener. */
  JUDGE_TLS_PORT: number;
  /** A PEM certificate (chain) and its key, both or neither: they replace the generated identity. */
  JUDGE_TLS_CERT_FILE?: string;
  JUDGE_TLS_KEY_FILE?: string;
}

export interface JudgeTlsListener {
  server: Server;
  port: number;
  /**
   * Resolves once the certificate is presented: at once with certificate files; with the database, as soon as it
   * answers (retried meanwhile, handshakes failing until then, so the API starts while PostgreSQL is still down).
   * Rejects when the certificate files cannot be read.
   */
  ready: Promise<{ fingerprint: string; source: 'files' | 'database' }>;
  stop(): Promise<void>;
}

/** A generated certificate is only ever pinned, never chain-checked: its lifetime need not be short. */
const GENERATED_VALID_YEARS = 30;

/**
 * The judge's TLS identity: the configured files when given, else the one stored in the database — generated
 * in pure JS by the first judge to start and kept by every replica and restart after it.
 */
export async function judgeTlsIdentity(settings: JudgeTlsSettings, db: SqlRunner | undefined) {
  if (settings.JUDGE_TLS_CERT_FILE !== undefined && settings.JUDGE_TLS_KEY_FILE !== undefined) {
    const [certPem, keyPem] = await Promise.all([
      readFile(settings.JUDGE_TLS_CERT_FILE, 'utf8'),
      readFile(settings.JUDGE_TLS_KEY_FILE, 'utf8'),
    ]);
    return { identity: { certPem, keyPem, fingerprint: fingerprintOf(certPem) }, source: 'files' as const };
  }
  if (db === undefined)
    throw new Error('the judge TLS listener needs JUDGE_TLS_CERT_FILE and JUDGE_TLS_KEY_FILE, or DATABASE_URL');
  const stored = await readJudgeTlsIdentity(db);
  return {
    identity: stored ?? (await claimJudgeTlsIdentity(db, await generateIdentity())),
    source: 'database' as const,
  };
}

export async function generateIdentity(): Promise<JudgeTlsIdentity> {
  const now = new Date();
  const notAfterDate = new Date(now);
  notAfterDate.setUTCFullYear(now.getUTCFullYear() + GENERATED_VALID_YEARS);
  const pems = await generate([{ name: 'commonName', value: 'proxy-pool judge' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: now,
    notAfterDate,
  });
  return { certPem: pems.cert, keyPem: pems.private, fingerprint: fingerprintOf(pems.cert) };
}

function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/**
 * Serves the judge over TLS on `JUDGE_TLS_PORT`: the checkers' tls_integrity stage tunnels through each proxy
 * to it and compares the certificate it is shown with this one. Any request gets the judge's answer. The port is
 * taken at once (a taken port fails here); the certificate follows (see `ready`).
 */
export async function startJudgeTlsListener(
  settings: JudgeTlsSettings & { host: string; secret: string },
  db: SqlRunner | undefined,
  options: { retryMs?: number; onRetry?: (error: unknown) => void } = {},
): Promise<JudgeTlsListener> {
  const server = createServer({ handshakeTimeout: 10_000 }, judgeRequestListener({ secret: settings.secret }));
  server.keepAliveTimeout = 2_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  // A client that gives up mid-handshake (or comes before the certificate) must not reach the process.
  server.on('tlsClientError', () => undefined);
  await listen(server, settings.JUDGE_TLS_PORT, settings.host, 'JUDGE_TLS_PORT');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<{ fingerprint: string; source: 'files' | 'database' }>((resolve, reject) => {
    const attempt = (): void => {
      judgeTlsIdentity(settings, db).then(
        ({ identity, source }) => {
          server.setSecureContext({ cert: identity.certPem, key: identity.keyPem });
          resolve({ fingerprint: identity.fingerprint, source });
        },
        (error: unknown) => {
          if (stopped) return;
          if (settings.JUDGE_TLS_CERT_FILE !== undefined || db === undefined) return reject(error);
          options.onRetry?.(error);
          timer = setTimeout(attempt, options.retryMs ?? 5_000);
        },
      );
    };
    attempt();
  });
  ready.catch(() => undefined);
  const stop = async () => {
    stopped = true;
    clearTimeout(timer);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  const { port } = server.address() as AddressInfo;
  return { server, port, ready, stop };
}
