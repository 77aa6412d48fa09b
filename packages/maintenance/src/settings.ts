import { envInt, z } from '@proxy-pool/config';

/**
 * Every maintenance task's settings, a zod shape role configs spread: the role running the maintenance queue
 * (the scraper) for the tasks, the checker for the check lease it shares with `enqueue-due`.
 */
export const maintenanceSettingsShape = {
  /** Days of check history kept: `prune-checks` drops each day's partition once the whole day is older. */
  CHECK_RETENTION_DAYS: envInt(7, 1, 3650),
  /** Lease reports older than this, and per-site figures untouched for this long, are deleted by `prune-checks`. */
  FEEDBACK_RETENTION_DAYS: envInt(30, 1, 3650),
  /** Daily history partitions `prune-checks` keeps created ahead of today. */
  CHECK_PARTITIONS_AHEAD_DAYS: envInt(3, 1, 60),
  /** Dead proxies with no passing validation for this long are deleted by `delete-dead` (unless leased). */
  DEAD_RETENTION_DAYS: envInt(7, 1, 3650),
  /** Due proxies one `enqueue-due` run claims at most. */
  ENQUEUE_DUE_LIMIT: envInt(20_000, 1, 1_000_000),
  /** Proxies per validate job queued by `enqueue-due`. */
  DUE_BATCH_SIZE: envInt(500, 1, 1000),
  /** How far a claimed or running check pushes `next_check_at`: a lost job delays its proxies this long at most. */
  CHECK_LEASE_SECONDS: envInt(300, 5, 86_400),
  ENQUEUE_DUE_EVERY_SECONDS: envInt(15, 1, 3600),
  PRUNE_CHECKS_EVERY_MINUTES: envInt(60, 1, 10_080),
  DELETE_DEAD_EVERY_MINUTES: envInt(60, 1, 10_080),
  /** Proxies one DELETE statement of `delete-dead` removes. */
  MAINTENANCE_DELETE_BATCH: envInt(10_000, 100, 1_000_000),
  /** `proxy.pool_low` is raised when the active proxy count falls below this. */
  POOL_LOW_THRESHOLD: envInt(50, 0),
  POOL_WATCH_EVERY_SECONDS: envInt(30, 1, 3600),
  /** How often past-due leases are marked expired (and `lease.expired` raised). */
  LEASE_SWEEP_EVERY_SECONDS: envInt(15, 1, 3600),
  /** How often `run-site-checks` looks for due site checks (a check runs at most this late after its interval). */
  SITE_CHECK_SWEEP_EVERY_SECONDS: envInt(30, 1, 3600),
};

const maintenanceSettingsSchema = z.object(maintenanceSettingsShape);
export type MaintenanceSettings = z.infer<typeof maintenanceSettingsSchema>;
