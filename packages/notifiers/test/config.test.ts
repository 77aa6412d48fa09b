import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, z } from '@proxy-pool/config';
import { buildNotifiers, notifierSettingsShape, notifiersConfigSchema } from '../src/index.js';

const example = [
  {
    type: 'webhook',
    name: 'ops',
    url: 'https://hooks.example.test/pp',
    secret: '0123456789abcdef0123',
    subscribes_to: ['*'],
    timeout_ms: 5000,
  },
  {
    type: 'smtp',
    name: 'mail',
    host: 'smtp.example.test',
    port: 587,
    secure: false,
    auth: { user: 'pp', pass: 'hunter2' },
    from: 'pool@example.test',
    to: ['ops@example.test'],
    subscribes_to: ['proxy.pool_low', 'credits.*'],
  },
];

const schema = z.object(notifierSettingsShape);

function problems(notifiers: unknown): string[] {
  try {
    loadConfig(schema, { NOTIFIERS: typeof notifiers === 'string' ? notifiers : JSON.stringify(notifiers) });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('NOTIFIERS configuration', () => {
  it('parses the documented example with defaults filled in', () => {
    const config = loadConfig(schema, { NOTIFIERS: JSON.stringify(example) });
    expect(config.NOTIFIER_UNHEALTHY_AFTER).toBe(3);
    expect(config.NOTIFIERS).toEqual([
      expect.objectContaining({ type: 'webhook', name: 'ops', timeout_ms: 5000, subscribes_to: ['*'] }),
      expect.objectContaining({
        type: 'smtp',
        name: 'mail',
        port: 587,
        require_tls: false,
        subscribes_to: ['proxy.pool_low', 'credits.*'],
      }),
    ]);
    const notifiers = buildNotifiers(config.NOTIFIERS, { allowPrivate: false });
    expect(notifiers.map((n) => [n.name, n.subscribes_to])).toEqual([
      ['ops', ['*']],
      ['mail', ['proxy.pool_low', 'credits.*']],
    ]);
  });

  it('means no notifiers when unset or empty, and names unnamed ones after their type', () => {
    expect(notifiersConfigSchema.parse(undefined)).toEqual([]);
    expect(notifiersConfigSchema.parse('  ')).toEqual([]);
    const [hook] = notifiersConfigSchema.parse(
      JSON.stringify([{ type: 'webhook', url: 'http://h.test/', secret: 'x'.repeat(16) }]),
    );
    expect(hook).toMatchObject({ name: 'webhook', subscribes_to: ['*'] });
  });

  it('allows several webhooks with their own names', () => {
    const hook = (name: string) => ({ type: 'webhook', name, url: 'https://h.test/', secret: 's'.repeat(20) });
    expect(notifiersConfigSchema.parse(JSON.stringify([hook('a'), hook('b')])).map((n) => n.name)).toEqual(['a', 'b']);
  });

  it('fails with messages naming the bad entry and field', () => {
    expect(problems('[{"type":')[0]).toMatch(/^NOTIFIERS: must be a JSON array of notifiers/);
    expect(problems({ type: 'webhook' })).toEqual([expect.stringMatching(/^NOTIFIERS: .*array/i)]);
    expect(problems([{ type: 'pager' }])).toEqual(['NOTIFIERS.0.type: type must be "webhook" or "smtp"']);
    const bad = problems([
      { type: 'webhook', url: 'ftp://h.test/', secret: 'short', subscribes_to: ['credit.*'], extra: 1 },
    ]);
    expect(bad).toEqual(
      expect.arrayContaining([
        'NOTIFIERS.0.url: must be an http(s) URL',
        'NOTIFIERS.0.secret: must be at least 16 characters',
        expect.stringMatching(/^NOTIFIERS\.0\.subscribes_to\.0: "credit\.\*" matches no event type/),
        expect.stringMatching(/^NOTIFIERS\.0: .*extra/),
      ]),
    );
    const smtp = { type: 'smtp', host: 'h', from: 'a@b.c', to: [] };
    expect(problems([smtp])).toEqual(['NOTIFIERS.0.to: needs at least one recipient']);
    const hook = { type: 'webhook', url: 'https://h.test/', secret: 's'.repeat(20) };
    expect(problems([hook, hook])).toEqual([
      'NOTIFIERS.1.name: duplicate notifier name "webhook" (give each notifier its own name)',
    ]);
    expect(problems([{ ...hook, name: 'user-webhook-1' }])[0]).toMatch(/reserved/);
  });

  it('never echoes a secret in an error message', () => {
    const all = problems([
      { type: 'smtp', host: '', from: 'a@b.c', to: ['x@y.z'], auth: { user: 'u', pass: 'topsecretpass' }, port: 0 },
    ]).join('\n');
    expect(all).toMatch(/NOTIFIERS\.0\.port/);
    expect(all).not.toContain('topsecretpass');
  });
});
