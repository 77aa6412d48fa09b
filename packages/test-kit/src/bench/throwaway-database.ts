import { fileURLToPath } from 'node:url';
import { spawnReadyChild } from './ready-child.js';
import { harnessEnv } from '../harness-env.js';

export interface ThrowawayDatabase {
  url: string;
  /** Drops the database (when the benchmark made it). */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one benchmark run (test-database.ts: dropped again when the run ends, an
 * embedded PostgreSQL when none answers), or BENCH_DATABASE_URL as it is.
 */
export async function throwawayDatabase(): Promise<ThrowawayDatabase> {
  const chosen = harnessEnv.benchDatabaseUrl();
  if (chosen) return { url: chosen, drop: async () => undefined };
  const script = fileURLToPath(new URL('../test-database.ts', import.meta.url));
  // test-database.ts names its database after its own pid, so two at once never clash.
  const child = await spawnReadyChild(script);
  return { url: child.payload.trim(), drop: child.stop };
}
