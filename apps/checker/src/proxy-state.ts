import type { StoredFigures } from '@proxy-pool/db';
import type { Anonymity, CheckFacts } from '@proxy-pool/plugin-contracts';

type IpType = NonNullable<CheckFacts['ipType']>;

/** The proxy figures one validation updates (the stored columns, as the database package reads them). */
export type ProxyFigures = Omit<StoredFigures, 'id'>;

export interface ValidationOutcome {
  passed: boolean;
  /** Latency of the request through the proxy (or the connect, when that is all that ran). */
  latencyMs: number | null;
  anonymity?: Anonymity;
  exitIp?: string;
  country?: string;
  /** From the TLS integrity stage; absent when it saw nothing conclusive (the stored flag stays). */
  mitm?: boolean;
  /** From the exit_network stage. */
  asn?: number;
  asOrg?: string;
  ipType?: IpType;
}

export interface ScoringSettings {
  /** Weight of the newest sample in the EWMAs (uptime and latency). */
  ewmaAlpha: number;
  latencyCeilingMs: number;
  /** Consecutive failed validations that turn an active proxy dead. */
  deadAfterFailures: number;
  activeRecheckMs: number;
  /** Re-check of an active proxy that just failed (before it is declared dead). */
  failingRecheckMs: number;
  deadRecheckBaseMs: number;
  deadRecheckMaxMs: number;
  /** ± fraction of random spread on every interval, so re-checks do not arrive in waves. */
  jitter: number;
}

export const DEFAULT_SCORING: ScoringSettings = {
  ewmaAlpha: 0.3,
  latencyCeilingMs: 5_000,
  deadAfterFailures: 3,
  activeRecheckMs: 5 * 60_000,
  failingRecheckMs: 60_000,
  deadRecheckBaseMs: 15 * 60_000,
  deadRecheckMaxMs: 24 * 3600_000,
  jitter: 0.2,
};

const ANONYMITY_WEIGHT: Record<Anonymity, number> = { elite: 1, anonymous: 0.6, transparent: 0.2 };

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** score = 0.5·uptime + 0.3·latency + 0.2·anonymity; 0 for a dead proxy. */
export function computeScore(
  figures: Pick<ProxyFigures, 'status' | 'uptimeRatio' | 'avgLatencyMs' | 'anonymity'>,
  settings: ScoringSettings,
): number {
  if (figures.status === 'dead') return 0;
  const latency = figures.avgLatencyMs === null ? 0 : clamp(1 - figures.avgLatencyMs / settings.latencyCeilingMs, 0, 1);
  const anonymity = figures.anonymity ? ANONYMITY_WEIGHT[figures.anonymity] : 0;
  return Math.round((0.5 * figures.uptimeRatio + 0.3 * latency + 0.2 * anonymity) * 10_000) / 10_000;
}

/**
 * Applies one validation to a proxy's figures.
 * - passing: active; uptime and latency EWMAs move towards the sample; anonymity/exit/country and the exit
 *   network (asn, as_org, ip_type: unknown when no stage said) refreshed.
 * - failing: an active proxy stays active until `deadAfterFailures` failures in a row; a proxy that has never
 *   passed (unchecked) or is already dead is dead at once — it has no record of working.
 */
export function applyValidation(
  previous: ProxyFigures,
  outcome: ValidationOutcome,
  settings: ScoringSettings,
): ProxyFigures {
  const alpha = settings.ewmaAlpha;
  const firstSample = previous.checksTotal === 0;
  const uptimeRatio = firstSample
    ? outcome.passed
      ? 1
      : 0
    : (1 - alpha) * previous.uptimeRatio + alpha * (outcome.passed ? 1 : 0);
  const consecutiveFailures = outcome.passed ? 0 : previous.consecutiveFailures + 1;
  let avgLatencyMs = previous.avgLatencyMs;
  if (outcome.passed && outcome.latencyMs !== null) {
    avgLatencyMs = avgLatencyMs === null ? outcome.latencyMs : (1 - alpha) * avgLatencyMs + alpha * outcome.latencyMs;
  }
  let status: ProxyFigures['status'];
  if (outcome.passed) status = 'active';
  else if (previous.status === 'active' && consecutiveFailures < settings.deadAfterFailures) status = 'active';
  else status = 'dead';
  const next: ProxyFigures = {
    status,
    anonymity: outcome.passed ? (outcome.anonymity ?? previous.anonymity) : previous.anonymity,
    exitIp: outcome.passed ? (outcome.exitIp ?? previous.exitIp) : previous.exitIp,
    country: outcome.passed ? (outcome.country ?? null) : previous.country,
    score: 0,
    avgLatencyMs: avgLatencyMs === null ? null : Math.round(avgLatencyMs * 10) / 10,
    uptimeRatio: clamp(uptimeRatio, 0, 1),
    checksTotal: previous.checksTotal + 1,
    checksPassed: previous.checksPassed + (outcome.passed ? 1 : 0),
    consecutiveFailures,
    mitm: outcome.mitm ?? previous.mitm,
    asn: outcome.passed ? (outcome.asn ?? null) : previous.asn,
    asOrg: outcome.passed ? (outcome.asOrg ?? null) : previous.asOrg,
    ipType: outcome.passed ? (outcome.ipType ?? 'unknown') : previous.ipType,
  };
  next.score = computeScore(next, settings);
  return next;
}

/** When the proxy is due again: active every few minutes, failing soon, dead with exponential backoff. */
export function nextCheckDelayMs(
  figures: ProxyFigures,
  settings: ScoringSettings,
  random: () => number = Math.random,
): number {
  let base: number;
  if (figures.status === 'active')
    base = figures.consecutiveFailures > 0 ? settings.failingRecheckMs : settings.activeRecheckMs;
  else {
    const exponent = Math.max(0, figures.consecutiveFailures - 1);
    base = Math.min(settings.deadRecheckMaxMs, settings.deadRecheckBaseMs * 2 ** Math.min(exponent, 20));
  }
  const spread = 1 + settings.jitter * (2 * random() - 1);
  return Math.round(base * spread);
}
