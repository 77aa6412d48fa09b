import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeNotifierContract } from '@proxy-pool/plugin-contracts/testing';
import { buildEvent } from '@proxy-pool/queues';
import { blackHole, deadPort, httpServer, type BlackHole } from '@proxy-pool/test-kit';
import { verifyWebhook, webhookNotifier } from '../src/index.js';
import { httpReceiver, type HttpReceiver } from './support.js';

const SECRET = 'test-secret-0123456789';
let receiver: HttpReceiver;
let failing: HttpReceiver;
let hole: BlackHole;

beforeAll(async () => {
  receiver = await httpReceiver();
  failing = await httpReceiver({ answer: () => 503 });
  hole = await blackHole();
});
afterAll(async () => {
  await Promise.all([receiver.close(), failing.close(), hole.close()]);
});

const hook = (url: string, extra: { allowPrivate?: boolean; timeout_ms?: number } = {}) =>
  webhookNotifier({
    name: 'ops',
    url,
    secret: SECRET,
    subscribes_to: ['*'],
    allowPrivate: extra.allowPrivate ?? true,
    timeout_ms: extra.timeout_ms ?? 2000,
  });

const event = buildEvent('credits.low', { balance: 2, threshold: 5 }, '7f8c3c1e-4d7b-4f0e-9a53-2b1f0a6c9d11');

describeNotifierContract(() => hook(receiver.url), { event, received: async () => receiver.requests });

/** The README's verification recipe, word for word. */
function verifySignature(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const timestamp = String(headers['x-timestamp']);
  const signature = String(headers['x-signature']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // stale or replayed
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

describe('webhook notifier', () => {
  it('POSTs the event as JSON with a signature the documented recipe verifies', async () => {
    const before = receiver.requests.length;
    await hook(receiver.url).deliver(event);
    const request = receiver.requests[before]!;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-event-id']).toBe(event.id);
    expect(request.headers['x-event-type']).toBe('credits.low');
    expect(Math.abs(Number(request.headers['x-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(request.headers['x-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(request.body)).toEqual(event);
    expect(verifySignature(SECRET, request.headers, request.body)).toBe(true);
    expect(
      verifyWebhook(
        SECRET,
        String(request.headers['x-timestamp']),
        request.body,
        String(request.headers['x-signature']),
      ),
    ).toBe(true);
    // Another secret, a changed body or a changed timestamp do not verify.
    expect(verifySignature('another-secret-0123456', request.headers, request.body)).toBe(false);
    expect(verifySignature(SECRET, request.headers, request.body.replace('"balance":2', '"balance":9'))).toBe(false);
    const stale = { ...request.headers, 'x-timestamp': String(Number(request.headers['x-timestamp']) - 1) };
    expect(verifySignature(SECRET, stale, request.body)).toBe(false);
    expect(
      verifyWebhook(
        SECRET,
        String(Number(request.headers['x-timestamp']) - 3600),
        request.body,
        String(request.headers['x-signature']),
      ),
    ).toBe(false);
  });

  it('fails on a non-2xx answer', async () => {
    await expect(hook(failing.url).deliver(event)).rejects.toThrow('webhook ops: receiver answered HTTP 503');
    expect(failing.requests).toHaveLength(1);
  });

  it('fails on a dead port and on a receiver that never answers, within its timeout', async () => {
    const dead = await deadPort();
    await expect(hook(`http://${dead.host}:${dead.port}/`).deliver(event)).rejects.toThrow(/ECONNREFUSED/);
    const started = Date.now();
    await expect(hook(`http://127.0.0.1:${hole.port}/`, { timeout_ms: 300 }).deliver(event)).rejects.toThrow(
      'webhook ops: no answer within 300 ms',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hole.stats.accepted).toBe(1);
  });

  it('refuses private targets unless allowPrivate, without sending anything', async () => {
    const before = receiver.requests.length;
    await expect(hook(receiver.url, { allowPrivate: false }).deliver(event)).rejects.toThrow(/SSRF.*127\.0\.0\.1/);
    await expect(
      hook(receiver.url.replace('127.0.0.1', 'localhost'), { allowPrivate: false }).deliver(event),
    ).rejects.toThrow(/SSRF/);
    expect(receiver.requests.length).toBe(before);
  });

  it('keeps credentials in the URL out of error messages', async () => {
    const dead = await deadPort();
    const error = await hook(`http://user:pa55word@127.0.0.1:${dead.port}/?token=abc`)
      .deliver(event)
      .catch((e: unknown) => e as Error);
    expect(String(error)).not.toMatch(/pa55word|token=abc/);
  });

  it('fails instead of buffering an oversized answer', async () => {
    const big = await httpServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(2 * 1024 * 1024));
    });
    try {
      await expect(hook(big.url).deliver(event)).rejects.toThrow('webhook ops: response too large');
    } finally {
      await big.close();
    }
  });
});
