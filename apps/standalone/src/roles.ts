import { startApi, type RunningApi } from '@proxy-pool/api/main';
import { startChecker } from '@proxy-pool/checker';
import { startScraper } from '@proxy-pool/scraper';

type Env = Record<string, string | undefined>;

export interface RunningRoles {
  api: RunningApi;
  /** In order: the API drains its requests, the workers finish their active jobs, then everything closes. */
  stop(drainMs: number): Promise<void>;
}

/** Starts each role in this process. A role that fails to start stops the ones already running. */
export async function startRoles(env: Env): Promise<RunningRoles> {
  // The API's /health and /metrics speak for the process: the workers' own health ports stay closed
  // (port 0 on loopback: no fixed port that a second launcher on this host could clash with).
  const workerEnv = { ...env, HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1' };
  const api = await startApi(env);
  const scraper = await startScraper(workerEnv).catch(async (error: unknown) => {
    await api.stop();
    throw error;
  });
  const checker = await startChecker(workerEnv).catch(async (error: unknown) => {
    await scraper.stop();
    await api.stop();
    throw error;
  });
  return {
    api,
    stop: async (drainMs) => {
      await api.stop();
      await Promise.all([scraper.scraper.stopWorker(), checker.checker.stopWorkers(drainMs)]);
      await checker.stop();
      await scraper.stop();
    },
  };
}
