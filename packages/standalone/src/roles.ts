import { startApi } from '@proxy-pool/api/main';

type Env = Record<string, string | undefined>;

/** Starts each role in this process and returns one function that stops them all, newest first. */
export async function startRoles(env: Env): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  stops.push((await startApi(env)).stop);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
