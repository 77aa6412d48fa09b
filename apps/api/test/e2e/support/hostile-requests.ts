import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { BAD_PATH_VALUES, badQueryValues, badValues } from './bad-values.js';
import { type Operation, seededRandom } from './openapi-operations.js';

export interface HostileRequest {
  /** What it tries, for failure messages. */
  label: string;
  method: string;
  /** Sent as is: bad percent-encoding and raw bytes are not touched. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Whole request bytes, for what no HTTP client sends (NUL in a header, a bare byte in the path). */
  raw?: Buffer;
  /** Which caller's key to present (the request may replace the Authorization header). */
  caller: 'admin' | 'user' | 'none';
}

const json = { 'Content-Type': 'application/json' };

function corrupt(compressed: Buffer): Buffer {
  return Buffer.concat([
    compressed.subarray(0, Math.min(8, compressed.length)),
    Buffer.from('this is not the rest of the stream'),
  ]);
}

/** A request line and headers written byte by byte (see HostileRequest.raw). */
function rawRequest(method: string, path: string, headerLines: string[]): Buffer {
  return Buffer.concat([
    Buffer.from(
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLines.map((line) => `${line}\r\n`).join('')}Connection: close\r\n\r\n`,
      'latin1',
    ),
  ]);
}

/**
 * Generates requests every one of which the API must refuse with a 4xx in its error envelope, for every
 * operation of the OpenAPI document (a new route is covered as soon as it is documented). A seeded generator
 * picks the values, so a failure reproduces with the same seed.
 */
export function hostileRequests(
  operations: Operation[],
  seed: number,
  keys: { admin: string; user: string },
): HostileRequest[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[], count: number): T[] => {
    const pool = [...values];
    for (let i = pool.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, count);
  };
  const requests: HostileRequest[] = [];
  for (const op of operations) {
    const adminOnly = op.path.startsWith('/admin') || (op.path.startsWith('/sources') && op.method !== 'GET');
    const caller = (): HostileRequest['caller'] =>
      !op.secured ? 'none' : adminOnly || random() < 0.5 ? 'admin' : 'user';
    const fill = (bad?: { name: string; value: string }) =>
      op.params.reduce(
        (path, name) => path.replace(`{${name}}`, bad?.name === name ? bad.value : randomUUID()),
        op.path,
      );
    const add = (
      label: string,
      request: Omit<HostileRequest, 'label' | 'caller'> & { caller?: HostileRequest['caller'] },
    ) => requests.push({ label: `${op.method} ${op.path}: ${label}`, caller: caller(), ...request });
    const takesBody = op.body !== undefined;

    // Headers and framing, refused before any route runs: on every operation, public ones included.
    add('Authorization over 16 KB', {
      method: op.method,
      path: fill(),
      headers: { Authorization: `Bearer pp_${'A'.repeat(17_000)}` },
      caller: 'none',
    });
    add('headers over 16 KB in all', {
      method: op.method,
      path: fill(),
      headers: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`X-Filler-${i}`, 'f'.repeat(500)])),
    });
    add('two different Content-Lengths', {
      method: op.method,
      path: fill(),
      headers: {},
      raw: rawRequest(op.method, fill(), ['Content-Length: 2', 'Content-Length: 3', 'Content-Type: application/json']),
    });
    add('Content-Length with Transfer-Encoding', {
      method: op.method,
      path: fill(),
      headers: {},
      raw: rawRequest(op.method, fill(), ['Content-Length: 2', 'Transfer-Encoding: chunked']),
    });
    add('NUL in a header value', {
      method: op.method,
      path: fill(),
      headers: {},
      raw: rawRequest(op.method, fill(), ['X-Note: a\u0000b']),
    });
    add('a bare non-ASCII byte in the path', {
      method: op.method,
      path: fill(),
      headers: {},
      raw: rawRequest(op.method, `${fill()}/\u00ff`, []),
    });

    if (op.secured) {
      const invalid = [
        `Bearer pp_${'A'.repeat(48)}`,
        "Bearer ' OR 1=1 --",
        'Basic %%%',
        `Bearer ${'x'.repeat(10_000)}`,
        `Bearer ${keys.user} extra`,
        'Bearer',
        `Token ${keys.admin}`,
      ];
      for (const header of pick(invalid, 4))
        add(`Authorization ${header.slice(0, 24)}`, {
          method: op.method,
          path: fill(),
          headers: { Authorization: header },
          caller: 'none',
        });
      add('duplicate Authorization, first one wrong', {
        method: op.method,
        path: fill(),
        headers: { Authorization: [`Bearer pp_${'B'.repeat(48)}`, `Bearer ${keys.admin}`] },
        caller: 'none',
      });
      add('Authorization with raw bytes', {
        method: op.method,
        path: fill(),
        headers: {},
        raw: rawRequest(op.method, fill(), [`Authorization: Bearer pp_\u00ff\u00fe${'A'.repeat(46)}`]),
        caller: 'none',
      });
    }

    for (const name of op.params) {
      for (const value of pick(BAD_PATH_VALUES, 12))
        add(`path ${name}=${value.slice(0, 20)}`, { method: op.method, path: fill({ name, value }), headers: {} });
    }

    for (const { name, schema } of op.query) {
      // GET /judge answers checkers, in its own format: its query is the checkers' contract, not this one.
      if (op.path === '/judge') continue;
      for (const value of pick(badQueryValues(schema), 9))
        add(`query ${name}=${value.slice(0, 20)}`, {
          method: op.method,
          path: `${fill()}?${name}=${value}`,
          headers: {},
        });
      add(`query ${name} twice`, { method: op.method, path: `${fill()}?${name}=1&${name}=2`, headers: {} });
    }

    for (const { name } of op.headers) {
      for (const value of ['', 'x'.repeat(300), '   '])
        add(`header ${name}=${value.slice(0, 10)}`, {
          method: op.method,
          path: fill(),
          headers: { [name]: value, ...json },
          body: Buffer.from('{}'),
        });
      add(`header ${name} with raw bytes`, {
        method: op.method,
        path: fill(),
        headers: {},
        raw: rawRequest(op.method, fill(), [`${name}: k\u00ffk`]),
      });
    }

    if (!takesBody) {
      // A body on an operation that takes none: refused by type or encoding before anything runs.
      if (op.method !== 'GET') {
        add('text body', {
          method: op.method,
          path: fill(),
          headers: { 'Content-Type': 'text/plain' },
          body: Buffer.from('hello'),
        });
        add('corrupt gzip body', {
          method: op.method,
          path: fill(),
          headers: { ...json, 'Content-Encoding': 'gzip' },
          body: corrupt(gzipSync('{}')),
        });
      }
      continue;
    }

    const properties = Object.entries(op.body?.properties ?? {});
    const firstBad = JSON.stringify({ [properties[0]?.[0] ?? 'x']: 12345 });
    for (const [name, schema] of properties) {
      for (const value of pick(badValues(schema), 8)) {
        add(`body ${name}=${JSON.stringify(value)?.slice(0, 24)}`, {
          method: op.method,
          path: fill(),
          headers: json,
          body: Buffer.from(JSON.stringify({ [name]: value })),
        });
      }
    }
    const wholeBodies = [
      '[]',
      '"text"',
      '123',
      'null',
      '{',
      '{"a":1,}',
      `{"${properties[0]?.[0]}":"ok","${properties[0]?.[0]}":"\\ud800"}`,
      `{"__proto__":{"admin":true},"${properties[0]?.[0]}":5}`,
      `{"${properties[0]?.[0]}":${'['.repeat(3000)}${']'.repeat(3000)}}`,
    ];
    for (const text of wholeBodies)
      add(`body ${text.slice(0, 24)}`, { method: op.method, path: fill(), headers: json, body: Buffer.from(text) });
    add('invalid UTF-8 in a string', {
      method: op.method,
      path: fill(),
      headers: json,
      body: Buffer.concat([
        Buffer.from(`{"${properties[0]?.[0]}":"`),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]),
    });
    add('UTF-8 encoded surrogate', {
      method: op.method,
      path: fill(),
      headers: json,
      body: Buffer.concat([
        Buffer.from(`{"${properties[0]?.[0]}":"`),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]),
    });

    const compressed: Array<[string, Record<string, string>, Buffer]> = [
      ['corrupt gzip', { 'Content-Encoding': 'gzip' }, corrupt(gzipSync(firstBad))],
      ['corrupt deflate', { 'Content-Encoding': 'deflate' }, corrupt(deflateSync(firstBad))],
      ['corrupt br', { 'Content-Encoding': 'br' }, corrupt(brotliCompressSync(Buffer.from(firstBad)))],
      ['gzip of a bad body', { 'Content-Encoding': 'gzip' }, gzipSync(firstBad)],
      ['br of a bad body', { 'Content-Encoding': 'br' }, brotliCompressSync(Buffer.from(firstBad))],
      ['gzip inflating past the limit', { 'Content-Encoding': 'gzip' }, gzipSync(Buffer.alloc(3_000_000, 0x20))],
      ['unknown Content-Encoding', { 'Content-Encoding': 'zstd' }, Buffer.from(firstBad)],
      ['two encodings, one unknown', { 'Content-Encoding': 'gzip, compress' }, gzipSync(firstBad)],
    ];
    for (const [label, headers, body] of compressed)
      add(label, { method: op.method, path: fill(), headers: { ...json, ...headers }, body });

    const contentTypes: Array<Record<string, string>> = [
      { 'Content-Type': 'text/plain' },
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      { 'Content-Type': 'multipart/form-data; boundary=x' },
      {},
      { 'Content-Type': 'application/json; charset=latin1' },
      { 'Content-Type': 'application/merge-patch+json' },
      { 'Content-Type': 'application/xml' },
    ];
    for (const headers of contentTypes)
      add(`Content-Type ${headers['Content-Type'] ?? '(none)'}`, {
        method: op.method,
        path: fill(),
        headers,
        body: Buffer.from(firstBad),
      });
  }
  return pick(requests, requests.length);
}
