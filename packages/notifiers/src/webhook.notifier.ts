import { defineNotifier, type Notifier, type NotifierEvent } from '@proxy-pool/plugin-contracts';
import { ssrfGotOptions } from '@proxy-pool/ssrf';
import got, { type Got } from 'got';
import { signWebhook } from './signature.js';

export interface WebhookOptions {
  name: string;
  url: string;
  secret: string;
  subscribes_to: readonly string[];
  timeout_ms?: number;
  /** Let the webhook reach loopback and private addresses (tests, local development). */
  allowPrivate: boolean;
}

/** A receiver's answer is read (and then ignored) up to this size; a larger one fails the delivery. */
const MAX_RESPONSE_BYTES = 64 * 1024;
export const WEBHOOK_USER_AGENT = 'proxy-pool-notifier/1';

/**
 * POSTs the event as JSON, signed: `X-Timestamp` (unix seconds) and `X-Signature` (hex HMAC-SHA256 of
 * `${timestamp}.${body}` under the secret). Any answer but 2xx, a timeout or a refused address is a failure;
 * redirects are not followed. SSRF rules apply at connect time, so DNS changes after set-up are covered too.
 */
export function webhookNotifier(options: WebhookOptions): Notifier {
  const timeoutMs = options.timeout_ms ?? 5_000;
  const client: Got = got.extend({
    ...ssrfGotOptions({ allowPrivate: options.allowPrivate }),
    timeout: { request: timeoutMs },
    retry: { limit: 0 },
    followRedirect: false,
    throwHttpErrors: false,
  });
  return defineNotifier({
    name: options.name,
    subscribes_to: options.subscribes_to,
    async deliver(event: NotifierEvent): Promise<void> {
      const body = JSON.stringify(event);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const request = client.post(options.url, {
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': WEBHOOK_USER_AGENT,
          'x-timestamp': timestamp,
          'x-signature': signWebhook(options.secret, timestamp, body),
          'x-event-id': event.id,
          'x-event-type': event.type,
        },
      });
      request.on('downloadProgress', (progress: { transferred: number }) => {
        if (progress.transferred > MAX_RESPONSE_BYTES) request.cancel('response too large');
      });
      let status: number;
      try {
        status = (await request).statusCode;
      } catch (error) {
        throw new Error(`webhook ${options.name}: ${describeFailure(error, timeoutMs)}`);
      }
      if (status < 200 || status > 299) throw new Error(`webhook ${options.name}: receiver answered HTTP ${status}`);
    },
  });
}

/** A short reason without the URL (it may carry credentials or a token). */
function describeFailure(error: unknown, timeoutMs: number): string {
  const { code, name, message } = error as { code?: string; name?: string; message?: string };
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') return `no answer within ${timeoutMs} ms`;
  if (name === 'CancelError') return 'response too large';
  // got's messages name the peer address (`connect ECONNREFUSED 127.0.0.1:9`, the SSRF refusal), never the URL.
  return message ?? code ?? 'request failed';
}
