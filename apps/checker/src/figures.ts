import type { FiguresUpdate, StoredFigures } from '@proxy-pool/db';
import {
  applyValidation,
  DEFAULT_SCORING,
  nextCheckDelayMs,
  type ScoringSettings,
  type ValidationOutcome,
} from './proxy-state.js';
import type { CheckerConfig } from './config.js';

export function scoringFromConfig(config: CheckerConfig): ScoringSettings {
  return {
    ...DEFAULT_SCORING,
    latencyCeilingMs: config.LATENCY_CEILING_MS,
    deadAfterFailures: config.DEAD_AFTER_FAILURES,
    activeRecheckMs: config.ACTIVE_RECHECK_MINUTES * 60_000,
    deadRecheckBaseMs: config.DEAD_RECHECK_BASE_MINUTES * 60_000,
    deadRecheckMaxMs: Math.max(config.DEAD_RECHECK_MAX_HOURS * 3_600_000, config.DEAD_RECHECK_BASE_MINUTES * 60_000),
  };
}

/** One validation to apply: what it found and when it ended. */
export interface FinishedValidation {
  proxyId: string;
  outcome: ValidationOutcome;
  finishedAt: Date;
}

/** The stored figures after one validation (the rules of proxy-state.ts), with the time of the next check. */
export function nextFigures(
  current: StoredFigures,
  validation: FinishedValidation,
  scoring: ScoringSettings,
  random: () => number = Math.random,
): FiguresUpdate {
  const next = applyValidation(current, validation.outcome, scoring);
  return {
    ...next,
    id: current.id,
    lastCheckedAt: validation.finishedAt,
    tlsConcluded: validation.outcome.mitm !== undefined,
    nextCheckAt: new Date(validation.finishedAt.getTime() + nextCheckDelayMs(next, scoring, random)),
  };
}
