import { redisUnavailable } from '@proxy-pool/queues';
import { GatewayError } from '../gateway-error.js';

/** The answer to a refused HTTP request or CONNECT: status, `X-Gateway-Error`, and the spec's error envelope. */
export function refusalResponse(error: GatewayError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const body = JSON.stringify({ error: { code: error.code, message: error.message, details: {} } });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Gateway-Error': error.code,
  };
  if (error.status === 407) headers['Proxy-Authenticate'] = 'Basic realm="proxy-pool gateway"';
  return { status: error.status, headers, body };
}

/** The same answer written raw on a socket (a CONNECT that gets no tunnel), then the socket ends. */
export function rawRefusal(error: GatewayError): string {
  const { status, headers, body } = refusalResponse(error);
  const lines = Object.entries({ ...headers, Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n${lines.join('')}\r\n${body}`;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  402: 'Payment Required',
  407: 'Proxy Authentication Required',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Anything thrown while serving: an expected refusal as it is, a fault as 502 UPSTREAM_FAILED or 503. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  if (name === 'DependencyUnavailableError' || redisUnavailable(error) !== null)
    return new GatewayError(
      'SERVICE_UNAVAILABLE',
      'The gateway cannot reach its database or Redis; try again shortly.',
    );
  return new GatewayError('UPSTREAM_FAILED', 'The upstream connection failed.');
}

/** `Proxy-Authorization: Basic …` taken apart; undefined when absent or not Basic. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
