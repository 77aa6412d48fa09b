import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SelfSigned {
  key: string;
  cert: string;
  /** The certificate's file, for clients that take a CA path (curl --cacert). */
  certFile: string;
  /** The key's file, for servers configured by path. */
  keyFile: string;
  /** Deletes the files. */
  remove(): void;
}

/** A fresh EC key and a one-day self-signed certificate for `commonName` and `altNames` (openssl). */
export function selfSignedCertificate(commonName: string, altNames: readonly string[]): SelfSigned {
  const folder = mkdtempSync(path.join(tmpdir(), 'pp-tls-'));
  const keyFile = path.join(folder, 'key.pem');
  const certFile = path.join(folder, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      `subjectAltName=${altNames.join(',')}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    keyFile,
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
