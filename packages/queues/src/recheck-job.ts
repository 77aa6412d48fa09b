/**
 * The validate job id of a proxy made due at once outside the due-sweep (a lease report of `failed` or
 * `blocked`): one job per proxy and second, so a burst of reports queues one re-check, while a report after
 * that job has run queues a new one.
 */
export function recheckJobId(proxyId: string, at: Date): string {
  return `recheck-${proxyId}-${Math.floor(at.getTime() / 1000)}`;
}
