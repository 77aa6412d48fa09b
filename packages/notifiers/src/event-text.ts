import type { NotifierEvent } from '@proxy-pool/plugin-contracts';

type Summary = (data: Record<string, unknown>) => string;

const SUMMARIES: Record<string, Summary> = {
  'proxy.pool_low': (d) => `Only ${String(d.active_proxies)} active proxies left (threshold ${String(d.threshold)})`,
  'credits.low': (d) => `Credit balance is low: ${String(d.balance)} left`,
  'credits.depleted': () => 'Credits depleted: acquiring proxies needs more credits',
  'source.failing': (d) => `Source ${String(d.url)} failed ${String(d.consecutive_failures)} times in a row: ${String(d.last_error)}`,
  'lease.expired': (d) => `Lease ${String(d.lease_id)} on ${String(d.ip)}:${String(d.port)} expired`,
  'scrape.completed': (d) => `Scrape of ${String(d.url)} done: ${String(d.proxies_discovered)} found, ${String(d.proxies_new)} new`,
};

/** A one-line human summary of an event (mail subjects, logs). */
export function summarizeEvent(event: NotifierEvent): string {
  return SUMMARIES[event.type]?.(event.data) ?? event.type;
}

/** Mail subject and plain-text body: the summary, then the event itself as JSON for machines and details. */
export function eventMessage(event: NotifierEvent): { subject: string; text: string } {
  const summary = summarizeEvent(event);
  return {
    subject: `[proxy-pool] ${event.type}: ${summary}`.slice(0, 200),
    text: `${summary}\n\nEvent ${event.id} (${event.type} v${event.version}) at ${event.occurred_at}\n\n${JSON.stringify(event, null, 2)}\n`,
  };
}
