import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given: bad percent-encoding and raw bytes are not touched. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One request over a fresh connection, with no client-side checks or rewriting of the path and headers. */
export function rawRequest(port: number, req: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    const headers = { ...(body ? { 'Content-Length': String(body.length) } : {}), ...req.headers };
    const call = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false, insecureHTTPParser: true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
        });
        res.on('error', reject);
      },
    );
    call.setTimeout(timeoutMs, () =>
      call.destroy(new Error(`no answer within ${timeoutMs} ms: ${req.method} ${req.path.slice(0, 80)}`)),
    );
    call.on('error', reject);
    call.end(body);
  });
}

/** Writes the bytes of a whole request as they are (for what an HTTP client refuses to send) and reads the answer. */
export function rawBytes(port: number, bytes: Buffer | string, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      const text = rest.join('\r\n\r\n');
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, text, json: parseJson(text) });
    });
    socket.write(bytes);
  });
}

/** True when the answer is the API's error envelope: `{"error":{"code","message","details"}}`. */
export function isEnvelope(json: unknown): boolean {
  const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  return (
    typeof error?.code === 'string' &&
    typeof error.message === 'string' &&
    typeof error.details === 'object' &&
    error.details !== null
  );
}
