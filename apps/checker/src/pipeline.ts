import type { CheckRow } from '@proxy-pool/db';
import { NEVER_ABORTED, watchAbort } from '@proxy-pool/checkers';
import { orderCheckers } from '@proxy-pool/plugin-contracts';
import type { CheckContext, CheckFacts, Checker, CheckOutcome, CheckTarget } from '@proxy-pool/plugin-contracts';
import type { AddressRefusal } from './proxy-address-policy.js';
import type { ValidationOutcome } from './proxy-state.js';

/** One checker's result: one check row (the writer adds the proxy id; see recordValidations for what is kept). */
export type CheckRecord = Omit<CheckRow, 'proxyId'>;

export interface ValidationResult {
  outcome: ValidationOutcome;
  checks: CheckRecord[];
  /** Abandoned from outside (shutdown): nothing of it says anything about the proxy, so it is not recorded. */
  abandoned: boolean;
  durationMs: number;
}

export interface PipelineOptions {
  connectTimeoutMs: number;
  /** Whole validation, every stage included. */
  totalTimeoutMs: number;
  /** Proxies this refuses are not connected to: the first checker's row fails with the reason. */
  refuseAddress?: AddressRefusal;
}

export interface Pipeline {
  /** The checkers in run order (stage, then priority, then registration). */
  readonly checkers: readonly Checker[];
  /** Stages in run order, each a group of checkers. */
  readonly stages: readonly (readonly Checker[])[];
  /** The last stage with a non-advisory checker: a validation that passed it passed every stage. */
  readonly finalStage: number;
  validate(target: CheckTarget, signal?: AbortSignal): Promise<ValidationResult>;
}

/** A checker that ignores its own timeouts is cut off this long after the total timeout. */
const BACKSTOP_MS = 250;

/**
 * Runs the checkers stage by stage: a stage runs only if every non-advisory checker of the earlier stages
 * passed; inside a stage, in priority order. Facts learned (exit IP, anonymity, country, mitm) are handed to
 * later checkers. The whole validation is bounded by the total timeout (each checker gets what is left of it).
 * The validation's latency sample is the longest latency a passing non-advisory checker measured: the request
 * through the proxy, which includes the connect (or the connect alone if that is all that ran).
 */
export function createPipeline(checkers: readonly Checker[], options: PipelineOptions): Pipeline {
  const ordered = orderCheckers(checkers);
  const stages: Checker[][] = [];
  for (const checker of ordered) {
    const last = stages[stages.length - 1];
    if (last?.[0]?.stage === checker.stage) last.push(checker);
    else stages.push([checker]);
  }
  const finalStage = ordered.filter((checker) => !checker.advisory).at(-1)?.stage ?? 1;
  return {
    checkers: ordered,
    stages,
    finalStage,
    validate: (target, signal) => runValidation(stages, options, target, signal),
  };
}

async function runValidation(
  stages: Checker[][],
  options: PipelineOptions,
  target: CheckTarget,
  outer: AbortSignal = NEVER_ABORTED,
): Promise<ValidationResult> {
  const started = performance.now();
  const refusal = options.refuseAddress?.(target.ip);
  const first = stages[0]?.[0];
  if (refusal !== undefined && first !== undefined) {
    const checks = [
      {
        checkerName: first.name,
        stage: first.stage,
        passed: false,
        latencyMs: null,
        detail: refusal,
        createdAt: new Date(),
      },
    ];
    return {
      outcome: { passed: false, latencyMs: null },
      checks,
      abandoned: false,
      durationMs: performance.now() - started,
    };
  }
  const deadline = started + options.totalTimeoutMs;
  // Checkers enforce their own timeouts; the cut-off only stops waiting for one that does not (or at abandonment).
  const cutOff = new CutOff();
  const backstop = setTimeout(
    () => cutOff.cut(`no result within the total timeout of ${options.totalTimeoutMs}ms`),
    options.totalTimeoutMs + BACKSTOP_MS,
  );
  const unsubscribe = watchAbort(outer, () => cutOff.cut('abandoned'));
  const checks: CheckRecord[] = [];
  let facts: CheckFacts = {};
  let failed = false;
  let latencyMs: number | null = null;
  try {
    for (const stage of stages) {
      for (const checker of stage) {
        if (outer.aborted) return abandoned(checks, started);
        const remaining = Math.round(deadline - performance.now());
        const outcome =
          remaining <= 0
            ? {
                passed: false,
                latencyMs: null,
                detail: `not run: total timeout of ${options.totalTimeoutMs}ms used up`,
              }
            : await cutOff.run(checker, {
                target,
                facts,
                connectTimeoutMs: Math.min(options.connectTimeoutMs, remaining),
                totalTimeoutMs: remaining,
                signal: outer,
              });
        if (outer.aborted) return abandoned(checks, started);
        checks.push({
          checkerName: checker.name,
          stage: checker.stage,
          passed: outcome.passed,
          latencyMs: outcome.latencyMs,
          detail: outcome.detail,
          createdAt: new Date(),
        });
        if ((outcome.passed || checker.advisory) && outcome.facts) facts = { ...facts, ...outcome.facts };
        if (!outcome.passed && !checker.advisory) failed = true;
        if (outcome.passed && !checker.advisory && outcome.latencyMs !== null)
          latencyMs = Math.max(latencyMs ?? 0, outcome.latencyMs);
      }
      if (failed) break;
    }
  } finally {
    clearTimeout(backstop);
    unsubscribe();
  }
  const passed = !failed && checks.length > 0;
  return {
    outcome: passed
      ? {
          passed: true,
          latencyMs,
          anonymity: facts.anonymity,
          exitIp: facts.exitIp,
          country: facts.country,
          mitm: facts.mitm,
          asn: facts.asn,
          asOrg: facts.asOrg,
          ipType: facts.ipType,
        }
      : { passed: false, latencyMs: null },
    checks,
    abandoned: false,
    durationMs: performance.now() - started,
  };
}

function abandoned(checks: CheckRecord[], started: number): ValidationResult {
  return {
    outcome: { passed: false, latencyMs: null },
    checks,
    abandoned: true,
    durationMs: performance.now() - started,
  };
}

/**
 * Runs one checker at a time and stops waiting for it once cut off (the backstop or an abandonment): a throw, or
 * a checker still running when cut off, becomes a failed check; after a cut-off every checker fails at once. A
 * field holds the running checker's settle function, so a check costs one promise (no race per checker).
 */
class CutOff {
  private outcome: CheckOutcome | undefined;
  private settle: ((outcome: CheckOutcome) => void) | undefined;

  cut(detail: string): void {
    this.outcome ??= { passed: false, latencyMs: null, detail };
    this.settle?.(this.outcome);
  }

  run(checker: Checker, context: CheckContext): Promise<CheckOutcome> {
    if (this.outcome !== undefined) return Promise.resolve(this.outcome);
    return new Promise<CheckOutcome>((resolve) => {
      this.settle = resolve;
      try {
        checker.check(context).then(resolve, (error: unknown) => resolve(thrown(checker, error)));
      } catch (error) {
        resolve(thrown(checker, error));
      }
    });
  }
}

function thrown(checker: Checker, error: unknown): CheckOutcome {
  return {
    passed: false,
    latencyMs: null,
    detail: `checker ${checker.name} failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}
