import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeNotifierContract } from '@proxy-pool/plugin-contracts/testing';
import { buildEvent } from '@proxy-pool/queues';
import { deadPort } from '@proxy-pool/test-kit';
import { notifiersConfigSchema, smtpNotifier, type SmtpConfig } from '../src/index.js';
import { mailHeader, smtpReceiver, type SmtpReceiver } from './support.js';

let open: SmtpReceiver;
let guarded: SmtpReceiver;
const credentials = { user: 'pool', pass: 's3cret-pass' };

beforeAll(async () => {
  open = await smtpReceiver();
  guarded = await smtpReceiver({ auth: credentials });
});
afterAll(async () => {
  await Promise.all([open.close(), guarded.close()]);
});

/** Built through the NOTIFIERS schema, as an app would. */
function mailer(port: number, extra: Record<string, unknown> = {}) {
  const [config] = notifiersConfigSchema.parse(
    JSON.stringify([
      {
        type: 'smtp',
        name: 'mail',
        host: '127.0.0.1',
        port,
        from: 'pool@example.test',
        to: ['ops@example.test', 'oncall@example.test'],
        subscribes_to: ['proxy.pool_low', 'credits.*'],
        timeout_ms: 2000,
        ...extra,
      },
    ]),
  );
  return smtpNotifier(config as SmtpConfig);
}

const event = buildEvent('proxy.pool_low', { active_proxies: 12, threshold: 50 });

describeNotifierContract(() => mailer(open.port), { event, received: async () => open.mails });

describe('smtp notifier', () => {
  it('mails a summary and the event to every recipient', async () => {
    const before = open.mails.length;
    await mailer(open.port).deliver(event);
    const mail = open.mails[before]!;
    expect(mail.from).toBe('pool@example.test');
    expect(mail.to).toEqual(['ops@example.test', 'oncall@example.test']);
    expect(mailHeader(mail.raw, 'Subject')).toBe(
      '[proxy-pool] proxy.pool_low: Only 12 active proxies left (threshold 50)',
    );
    expect(mailHeader(mail.raw, 'X-Event-Id')).toBe(event.id);
    expect(mail.raw).toContain(`"id": "${event.id}"`);
  });

  it('logs in when auth is configured, and fails with wrong credentials', async () => {
    await mailer(guarded.port, { auth: credentials }).deliver(event);
    expect(guarded.mails.map((mail) => mail.user)).toEqual(['pool']);
    await expect(mailer(guarded.port, { auth: { user: 'pool', pass: 'wrong' } }).deliver(event)).rejects.toThrow(
      /^smtp mail: .*Invalid/,
    );
    expect(guarded.mails).toHaveLength(1);
  });

  it('fails when the server is unreachable or will not do the TLS it must', async () => {
    const dead = await deadPort();
    await expect(mailer(dead.port, { host: dead.host }).deliver(event)).rejects.toThrow(/smtp mail: .*ECONNREFUSED/);
    const before = open.mails.length;
    await expect(mailer(open.port, { require_tls: true }).deliver(event)).rejects.toThrow(/smtp mail: .*STARTTLS/);
    expect(open.mails.length).toBe(before);
  });
});
