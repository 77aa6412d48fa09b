import type { Notifier } from '@proxy-pool/plugin-contracts';
import type { NotifierConfig } from './config.js';
import { smtpNotifier } from './smtp.notifier.js';
import { webhookNotifier } from './webhook.notifier.js';

/** The configured notifiers (parsed `NOTIFIERS`), in configuration order. Opens no connection. */
export function buildNotifiers(config: readonly NotifierConfig[], options: { allowPrivate: boolean }): Notifier[] {
  return config.map((entry) =>
    entry.type === 'webhook'
      ? webhookNotifier({
          name: entry.name,
          url: entry.url,
          secret: entry.secret,
          subscribes_to: entry.subscribes_to,
          timeout_ms: entry.timeout_ms,
          allowPrivate: options.allowPrivate,
        })
      : smtpNotifier(entry),
  );
}
