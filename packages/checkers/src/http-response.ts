import { CheckFailure } from './check-failure.js';
import type { Parse } from './exchange.js';

export interface ResponseHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Map<string, string>;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const MAX_HEAD_BYTES = 16 * 1024;

/** Parses an HTTP/1.x status line and headers; `what` names the answer in failure messages. */
export function responseHead(what: string): Parse<ResponseHead> {
  return (buffer) => {
    if (buffer.length >= 5 && buffer.subarray(0, 5).toString('latin1') !== 'HTTP/')
      throw new CheckFailure(`${what} is not HTTP (first bytes ${describeBytes(buffer)})`);
    const end = buffer.indexOf(HEAD_END);
    if (end < 0) {
      if (buffer.length > MAX_HEAD_BYTES) throw new CheckFailure(`${what} headers exceed ${MAX_HEAD_BYTES} bytes`);
      return undefined;
    }
    const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (status?.[1] === undefined) throw new CheckFailure(`${what} has a malformed status line`);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const earlier = headers.get(name);
      headers.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
    }
    return { value: { status: Number(status[1]), headers }, used: end + HEAD_END.length };
  };
}

/** Reads the body the head announces: Content-Length, chunked, or until the connection closes. */
export function responseBody(head: ResponseHead): Parse<Buffer> {
  if (head.status === 204 || head.status === 304) return () => ({ value: Buffer.alloc(0), used: 0 });
  if (/\bchunked\b/i.test(head.headers.get('transfer-encoding') ?? '')) return decodeChunked;
  const declared = head.headers.get('content-length');
  if (declared !== undefined) {
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length < 0)
      throw new CheckFailure(`invalid Content-Length ${JSON.stringify(declared)}`);
    return (buffer) => (buffer.length >= length ? { value: buffer.subarray(0, length), used: length } : undefined);
  }
  return (buffer, ended) => (ended ? { value: buffer, used: buffer.length } : undefined);
}

const decodeChunked: Parse<Buffer> = (buffer) => {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, offset);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isSafeInteger(size) || size < 0) throw new CheckFailure('malformed chunked body');
    if (size === 0) return { value: Buffer.concat(parts), used: buffer.length };
    const start = lineEnd + 2;
    if (buffer.length < start + size + 2) return undefined;
    parts.push(buffer.subarray(start, start + size));
    offset = start + size + 2;
  }
};

function describeBytes(buffer: Buffer): string {
  return buffer.subarray(0, 8).toString('hex').replace(/(..)/g, '$1 ').trim();
}
