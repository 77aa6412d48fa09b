import { claimValidationTargets, releaseValidationLease, type CheckStore } from '@proxy-pool/db';
import type { Processor } from '@proxy-pool/queues';
import type { Pipeline, ValidationResult } from './pipeline.js';
import { retryPoolWait } from './pool-wait.js';
import type { ResultWriter, WrittenStatus } from './result-writer.js';
import type { Semaphore } from './semaphore.js';

export interface ValidateDeps {
  /** The checker's own pool for its hot path. */
  store: CheckStore;
  pipeline: Pipeline;
  /** Shared by every job of the process. */
  semaphore: Semaphore;
  writer: ResultWriter;
  /** How far a running check pushes `next_check_at` (so the due-sweep does not queue the proxy again meanwhile). */
  leaseMs: number;
  /** Aborted at shutdown: checks still running are abandoned and their proxies handed back. */
  abandon: AbortSignal;
  onValidation?: (result: ValidationResult) => void;
}

/**
 * The `validate` job: loads the batch's proxies in one query, runs the pipeline for each under the shared
 * semaphore, and hands every result to the batch writer. Completes once the results are stored. Proxies whose
 * checks were abandoned at shutdown are made due again at once, for another replica to take.
 */
export function createValidateProcessor(deps: ValidateDeps): Processor<'validate'> {
  return async (payload) => {
    const ids = [...new Set(payload.proxy_ids)];
    const targets = await retryPoolWait(() => claimValidationTargets(deps.store, ids, deps.leaseMs));
    const abandoned: string[] = [];
    const statuses = await Promise.all(
      targets.map(async (target): Promise<WrittenStatus | undefined> => {
        const result = await deps.semaphore.run(() => deps.pipeline.validate(target, deps.abandon));
        if (result.abandoned) {
          abandoned.push(target.id);
          return undefined;
        }
        deps.onValidation?.(result);
        const finishedAt = result.checks[result.checks.length - 1]?.createdAt ?? new Date();
        return deps.writer.add({ proxyId: target.id, outcome: result.outcome, checks: result.checks, finishedAt });
      }),
    );
    await retryPoolWait(() => releaseValidationLease(deps.store, abandoned));
    const written = statuses.filter(
      (status): status is NonNullable<WrittenStatus> => status !== undefined && status !== null,
    );
    return {
      checked: written.length,
      active: written.filter((status) => status === 'active').length,
      dead: written.filter((status) => status === 'dead').length,
    };
  };
}
