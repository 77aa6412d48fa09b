import { countProxies } from '@proxy-pool/db';
import { watchPoolLevel } from '@proxy-pool/notifiers';
import { publishEvent } from '@proxy-pool/queues';
import { defineMaintenanceTask } from '../define-task.js';

/** Counts the active proxies and raises `proxy.pool_low` when the count falls below the threshold. */
export const poolWatchTask = defineMaintenanceTask({
  name: 'pool-watch',
  every: (settings) => settings.POOL_WATCH_EVERY_SECONDS * 1000,
  run: async ({ db, context, queues, settings, logger }) => {
    const active = await countProxies(db, { status: 'active' });
    const event = await watchPoolLevel(context.connection, context.prefix, active, settings.POOL_LOW_THRESHOLD);
    if (event) await publishEvent(queues.events, event, logger);
    return { affected: active };
  },
});
