import { startApi, type RunningApi } from '@proxy-pool/api/main';
import { startChecker } from '@proxy-pool/checker';
import { startGateway } from '@proxy-pool/gateway';
import { startScraper } from '@proxy-pool/scraper';

type Env = Record<string, string | undefined>;

export interface RunningRoles {
  api: RunningApi;
  /** In order: the API drains its requests, the workers finish their active jobs, then everything closes. */
  stop(drainMs: number): Promise<void>;
}

/** Starts each role in this process. A role that fails to start stops the ones already running. */
export async function startRoles(env: Env): Promise<RunningRoles> {
  // The API's /health speaks for the process: the workers open no health ports of their own, so a second
  // launcher on this host (another PORT) has nothing to clash on.
  const noHealthPort = { healthServer: false };
  const api = await startApi(env);
  const scraper = await startScraper(env, {}, noHealthPort).catch(async (error: unknown) => {
    await api.stop();
    throw error;
  });
  const checker = await startChecker(env, {}, noHealthPort).catch(async (error: unknown) => {
    await scraper.stop();
    await api.stop();
    throw error;
  });
  // The rotating gateway on GATEWAY_PORT (8000 by default); a taken port stops start-up like a taken PORT.
  const gateway = await startGateway(env, {}, noHealthPort).catch(async (error: unknown) => {
    await checker.stop();
    await scraper.stop();
    await api.stop();
    throw error;
  });
  return {
    api,
    stop: async (drainMs) => {
      await api.stop();
      await Promise.all([
        scraper.scraper.stopWorker(),
        checker.checker.stopWorkers(drainMs),
        gateway.gateway.drain(drainMs),
      ]);
      await gateway.stop();
      await checker.stop();
      await scraper.stop();
    },
  };
}
