import { startApi } from '@proxy-pool/api/main';
import { startChecker } from '@proxy-pool/checker';
import { startScraper } from '@proxy-pool/scraper';

type Env = Record<string, string | undefined>;

/** Starts each role in this process and returns one function that stops them all, newest first. */
export async function startRoles(baseEnv: Env): Promise<() => Promise<void>> {
  // In one process the checker's judge is this API, wherever it listens.
  const env = { ...baseEnv, JUDGE_URL: baseEnv.JUDGE_URL ?? `http://127.0.0.1:${baseEnv.PORT ?? '3000'}/judge` };
  const stops: Array<() => Promise<void>> = [];
  stops.push((await startApi(env)).stop);
  stops.push((await startScraper(env)).stop);
  stops.push((await startChecker(env)).stop);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
