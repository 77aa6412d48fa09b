import { httpServer, selfSignedCertificate, type ServerHandle } from '@proxy-pool/test-kit';

export interface TlsOrigin extends ServerHandle {
  /** The self-signed certificate's file: a client that trusts only it proves nobody in between re-signed the traffic. */
  caFile: string;
}

/** An HTTPS server for `localhost` with a fresh self-signed certificate, answering `body`. */
export async function tlsOrigin(body: string): Promise<TlsOrigin> {
  const certificate = selfSignedCertificate('localhost', ['DNS:localhost', 'IP:127.0.0.1']);
  const server = await httpServer(
    (req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body);
    },
    { tls: { key: certificate.key, cert: certificate.cert } },
  );
  return {
    ...server,
    caFile: certificate.certFile,
    close: async () => {
      await server.close();
      certificate.remove();
    },
  };
}
