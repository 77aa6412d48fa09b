import type { NotifierEvent } from '@proxy-pool/plugin-contracts';
import { eventSchema, type PoolEvent } from '@proxy-pool/queues';

function summaryOf(event: PoolEvent): string {
  switch (event.type) {
    case 'proxy.pool_low':
      return `Only ${event.data.active_proxies} active proxies left (threshold ${event.data.threshold})`;
    case 'credits.low':
      return `Credit balance is low: ${event.data.balance} left`;
    case 'credits.depleted':
      return 'Credits depleted: acquiring proxies needs more credits';
    case 'source.failing':
      return `Source ${event.data.url} failed ${event.data.consecutive_failures} times in a row: ${event.data.last_error}`;
    case 'lease.expired':
      return `Lease ${event.data.lease_id} on ${event.data.ip}:${event.data.port} expired`;
    case 'lease.refunded':
      return `Lease ${event.data.lease_id} refunded ${event.data.amount} credit (balance ${event.data.balance})`;
    case 'scrape.completed':
      return `Scrape of ${event.data.url} done: ${event.data.proxies_discovered} found, ${event.data.proxies_new} new`;
  }
}

/** A one-line human summary of an event (mail subjects, logs); an event this version cannot read is named by its type. */
export function summarizeEvent(event: NotifierEvent): string {
  const parsed = eventSchema.safeParse(event);
  return parsed.success ? summaryOf(parsed.data) : event.type;
}

/** Mail subject and plain-text body: the summary, then the event itself as JSON for machines and details. */
export function eventMessage(event: NotifierEvent): { subject: string; text: string } {
  const summary = summarizeEvent(event);
  return {
    subject: `[proxy-pool] ${event.type}: ${summary}`.slice(0, 200),
    text: `${summary}\n\nEvent ${event.id} (${event.type} v${event.version}) at ${event.occurred_at}\n\n${JSON.stringify(event, null, 2)}\n`,
  };
}
