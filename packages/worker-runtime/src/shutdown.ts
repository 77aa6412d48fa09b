import type { Logger } from '@proxy-pool/logger';

export interface ShutdownOptions {
  logger: Logger;
  /** Bounded drain: past this the process exits anyway (active jobs are handed back by BullMQ's stall check). */
  drainMs: number;
  /** Steps run in order: stop taking work, finish active work, close connections. */
  steps: Array<{ name: string; run: () => Promise<unknown> }>;
  exit?: (code: number) => void;
}

/** SIGTERM/SIGINT: run the steps within `drainMs`, then exit 0 (or 1 if a step failed or time ran out). */
export function installShutdown(options: ShutdownOptions): () => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;
  const shutdown = () => {
    running ??= (async () => {
      options.logger.info('shutting down', { drain_ms: options.drainMs });
      const timer = setTimeout(() => {
        options.logger.error('drain time exceeded, exiting');
        exit(1);
      }, options.drainMs);
      timer.unref();
      let failed = false;
      for (const step of options.steps) {
        try {
          await step.run();
        } catch (error) {
          failed = true;
          options.logger.error('shutdown step failed', { step: step.name, error });
        }
      }
      clearTimeout(timer);
      options.logger.info('shutdown complete');
      exit(failed ? 1 : 0);
    })();
    return running;
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  return shutdown;
}
