import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { httpServer, type ServerHandle } from '@proxy-pool/test-kit';

export interface TlsOrigin extends ServerHandle {
  /** The self-signed certificate's file: a client that trusts only it proves nobody in between re-signed the traffic. */
  caFile: string;
}

/** An HTTPS server for `localhost` with a fresh self-signed certificate (openssl), answering `body`. */
export async function tlsOrigin(body: string): Promise<TlsOrigin> {
  const folder = mkdtempSync(path.join(tmpdir(), 'gateway-tls-'));
  const keyFile = path.join(folder, 'key.pem');
  const caFile = path.join(folder, 'cert.pem');
  writeFileSync(
    path.join(folder, 'san.cnf'),
    '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
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
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-config',
      path.join(folder, 'san.cnf'),
      '-extensions',
      'ext',
    ],
    { stdio: 'ignore' },
  );
  const server = await httpServer(
    (req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body);
    },
    { tls: { key: readFileSync(keyFile), cert: readFileSync(caFile) } },
  );
  return {
    ...server,
    caFile,
    close: async () => {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
