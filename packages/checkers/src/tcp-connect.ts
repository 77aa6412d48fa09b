import { defineChecker } from '@proxy-pool/plugin-contracts';
import type { CheckContext, CheckOutcome } from '@proxy-pool/plugin-contracts';
import { failureDetail } from './check-failure.js';
import { Exchange } from './exchange.js';
import { BUILTIN_CHECKER_STAGES } from './stages.js';

/** Stage 1: a TCP connect to the proxy within the connect timeout; its duration is the latency sample. */
export const tcpConnectChecker = defineChecker({
  name: 'tcp_connect',
  stage: BUILTIN_CHECKER_STAGES.tcp_connect,
  priority: 0,
  check: async (context: CheckContext): Promise<CheckOutcome> => {
    const exchange = new Exchange({ ...context, maxBytes: 0 });
    try {
      await exchange.connect(context.target.ip, context.target.port, { noDelay: false });
      return { passed: true, latencyMs: exchange.elapsedMs(), detail: 'TCP connect OK' };
    } catch (error) {
      return { passed: false, latencyMs: null, detail: failureDetail(error) };
    } finally {
      exchange.close();
    }
  },
});
