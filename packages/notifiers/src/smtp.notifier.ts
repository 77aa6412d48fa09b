import { defineNotifier, type Notifier, type NotifierEvent } from '@proxy-pool/plugin-contracts';
import nodemailer from 'nodemailer';
import type { SmtpConfig } from './config.js';
import { eventMessage } from './event-text.js';

/**
 * Mails each event to the configured recipients through one SMTP server. `secure` speaks TLS from the
 * first byte (port 465); otherwise STARTTLS is used when offered, and demanded with `require_tls`.
 */
export function smtpNotifier(config: SmtpConfig): Notifier {
  const timeoutMs = config.timeout_ms;
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.require_tls,
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return defineNotifier({
    name: config.name,
    subscribes_to: config.subscribes_to,
    async deliver(event: NotifierEvent): Promise<void> {
      const { subject, text } = eventMessage(event);
      try {
        await transport.sendMail({
          from: config.from,
          to: config.to,
          subject,
          text,
          headers: { 'X-Event-Id': event.id, 'X-Event-Type': event.type },
        });
      } catch (error) {
        const { code, message } = error as { code?: string; message?: string };
        throw new Error(`smtp ${config.name}: ${message ?? code ?? 'sending failed'}`);
      }
    },
  });
}
