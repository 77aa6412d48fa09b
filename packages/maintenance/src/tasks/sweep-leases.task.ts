import { expireDueLeases } from '@proxy-pool/db';
import { buildEvent, publishEvent } from '@proxy-pool/queues';
import { defineMaintenanceTask } from '../define-task.js';

/** Marks past-due leases expired, frees their proxies and raises `lease.expired` for each owner. */
export const sweepLeasesTask = defineMaintenanceTask({
  name: 'sweep-leases',
  every: (settings) => settings.LEASE_SWEEP_EVERY_SECONDS * 1000,
  run: async ({ db, queues, logger }) => {
    const expired = await expireDueLeases(db);
    for (const lease of expired) {
      const data = {
        lease_id: lease.leaseId,
        proxy_id: lease.proxyId,
        ip: lease.ip,
        port: lease.port,
        expires_at: lease.expiresAt.toISOString(),
      };
      await publishEvent(queues.events, buildEvent('lease.expired', data, lease.userId), logger);
    }
    return { affected: expired.length };
  },
});
