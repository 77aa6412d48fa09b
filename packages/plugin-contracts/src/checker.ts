import type { Anonymity, ProxyProtocol } from './common.js';

/** The proxy under test. */
export interface CheckTarget {
  id: string;
  ip: string;
  port: number;
  protocol: ProxyProtocol;
  username?: string | null;
  password?: string | null;
  /** When the TLS integrity stage last reached a conclusion about this proxy (ISO time), if ever. */
  tlsCheckedAt?: string | null;
}

/** Facts learned by earlier checkers of the same validation, read by later ones. */
export interface CheckFacts {
  exitIp?: string;
  anonymity?: Anonymity;
  country?: string;
  /** Autonomous system number of the exit IP. */
  asn?: number;
  /** Organisation running that autonomous system. */
  asOrg?: string;
  /** `hosting` when the AS is on the curated hosting list, `residential_or_business` for another AS, else `unknown`. */
  ipType?: 'hosting' | 'residential_or_business' | 'unknown';
  /**
   * TLS through the proxy: true when it presented another certificate than the judge's pinned one, false when
   * it presented the judge's own; absent when nothing conclusive was seen.
   */
  mitm?: boolean;
}

export interface CheckContext {
  target: CheckTarget;
  facts: Readonly<CheckFacts>;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  /** Aborted when the validation is abandoned (shutdown, total timeout). */
  signal: AbortSignal;
}

export interface CheckOutcome {
  passed: boolean;
  /** Milliseconds the check measured, null when it has nothing to measure. */
  latencyMs: number | null;
  /** One precise, human-readable line: why it passed or failed. */
  detail: string;
  facts?: CheckFacts;
}

export interface Checker {
  readonly name: string;
  /** Stages run in ascending order; a stage runs only if every earlier checker passed. */
  readonly stage: number;
  /** Order inside a stage, lower first. */
  readonly priority: number;
  /**
   * An advisory checker's failure is recorded but fails neither the validation nor the later stages, and its
   * facts are kept whether it passed or not (a finding about the proxy, not a reason to call it dead).
   */
  readonly advisory?: boolean;
  check(context: CheckContext): Promise<CheckOutcome>;
}

export function defineChecker(checker: Checker): Checker {
  if (!/^[a-z][a-z0-9_]*$/.test(checker.name)) throw new Error(`invalid checker name: ${checker.name}`);
  if (!Number.isInteger(checker.stage) || checker.stage < 1)
    throw new Error(`checker ${checker.name}: stage must be an integer >= 1`);
  if (!Number.isInteger(checker.priority)) throw new Error(`checker ${checker.name}: priority must be an integer`);
  return Object.freeze({ ...checker });
}

/** Orders checkers by stage, then priority, then registration order (stable sort). */
export function orderCheckers(checkers: readonly Checker[]): Checker[] {
  return [...checkers].sort((a, b) => a.stage - b.stage || a.priority - b.priority);
}
