import type { CheckContext, CheckTarget } from '@proxy-pool/plugin-contracts';
import { httpServer } from '@proxy-pool/test-kit';
import type { ServerHandle } from '@proxy-pool/test-kit';
import { createJudgeHandler } from '../src/index.js';

export const SECRET = 'judge-test-secret';
/** The checker's own address as the judge sees it in these tests. */
export const OWN_IP = '127.0.0.1';
/** Where the fake proxies' outgoing connections come from: the exit IP the judge should report. */
export const EXIT_IP = '127.0.0.9';

export interface Judge extends ServerHandle {
  judgeUrl: string;
}

export async function startJudge(host = '127.0.0.1'): Promise<Judge> {
  const server = await httpServer(createJudgeHandler({ secret: SECRET }), { host });
  return { ...server, judgeUrl: `${server.url}/judge` };
}

export function contextFor(
  target: Omit<CheckTarget, 'id'>,
  overrides: Partial<Omit<CheckContext, 'target'>> = {},
): CheckContext {
  return {
    target: { id: 'proxy-under-test', ...target },
    facts: {},
    connectTimeoutMs: 1000,
    totalTimeoutMs: 2000,
    signal: new AbortController().signal,
    ...overrides,
  };
}
