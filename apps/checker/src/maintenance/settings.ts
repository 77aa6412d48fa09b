import { envInt, z } from '@proxy-pool/config';

/**
 * Maintenance settings, a zod shape any role's config can spread (the scraper runs the maintenance queue,
 * the checker reads the same names for its lease).
 */
export const maintenanceSettingsShape = {
  /** proxy_checks rows older than this are deleted by `prune-checks`. */
  CHECK_RETENTION_DAYS: envInt(7, 1, 3650),
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
  /** Rows one DELETE statement of the pruning tasks removes. */
  MAINTENANCE_DELETE_BATCH: envInt(10_000, 100, 1_000_000),
};

const maintenanceSettingsSchema = z.object(maintenanceSettingsShape);
export type MaintenanceSettings = z.infer<typeof maintenanceSettingsSchema>;
