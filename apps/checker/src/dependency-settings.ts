import { envInt } from '@proxy-pool/config';

/** Settings of the dependency-down log, a zod shape every worker role's config spreads. */
export const dependencyLogSettingsShape = {
  /** While Redis (or another dependency) stays down, one summary log line this often. */
  DEPENDENCY_SUMMARY_EVERY_MS: envInt(60_000, 100, 3_600_000),
};
