import { request } from 'node:http';

export interface PlainAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One absolute-URI request to the gateway over a fresh connection (node:http, no keep-alive). */
export function viaGateway(gatewayPort: number, username: string, apiKey: string, url: string): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: gatewayPort,
      method: 'GET',
      path: url,
      agent: false,
      headers: {
        'Proxy-Authorization': `Basic ${Buffer.from(`${username}:${apiKey}`).toString('base64')}`,
        Connection: 'close',
      },
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.end();
  });
}
