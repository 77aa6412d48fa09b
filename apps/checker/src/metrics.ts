import { collectProcessMetrics, METRIC_PREFIX } from '@proxy-pool/worker-runtime';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface CheckerMetrics {
  registry: Registry;
  /** By outcome (passed, failed): its rate is the validations per second. */
  validations: Counter<'outcome'>;
  duration: Histogram;
  urlTests: Counter;
  checks: Counter<'checker' | 'result'>;
  /** Leases refunded because their proxy failed its re-check after a `failed` report. */
  leasesRefunded: Counter;
  /** Counts one validation and its checks; the counters add them up when they are read (a scrape). */
  recordValidation(validation: RecordedValidation): void;
}

export interface RecordedValidation {
  passed: boolean;
  durationMs: number;
  checks: ReadonlyArray<{ checkerName: string; passed: boolean }>;
}

/** Passed and failed counts not yet added to a counter. */
interface Tally {
  passed: number;
  failed: number;
}

/** A registry per checker instance (several can live in one process: the all-in-one launcher, tests). */
export function createCheckerMetrics(inFlight: () => number, waiting: () => number, defaults = false): CheckerMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (defaults) collectProcessMetrics(registry);
  new Gauge({
    name: `${METRIC_PREFIX}checker_validations_in_flight`,
    help: 'Validations running now',
    registers,
    collect() {
      this.set(inFlight());
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}checker_validations_waiting`,
    help: 'Validations waiting for a slot',
    registers,
    collect() {
      this.set(waiting());
    },
  });
  // A labelled inc() hashes and checks its labels at every call: at thousands of validations a second the counts
  // are tallied in plain numbers instead and added to the counters when a scrape reads them (collect).
  const validationTally: Tally = { passed: 0, failed: 0 };
  const checkTallies = new Map<string, Tally>();
  const validations = new Counter({
    name: `${METRIC_PREFIX}checker_validations_total`,
    help: 'Validations by outcome',
    labelNames: ['outcome'],
    registers,
    collect() {
      addTally(validationTally, (outcome, count) => this.inc({ outcome }, count));
    },
  });
  // Both outcomes exist from the start, so "no passed validation for 10 minutes" also fires for a checker that never passed one.
  for (const outcome of ['passed', 'failed']) validations.inc({ outcome }, 0);
  const duration = new Histogram({
    name: `${METRIC_PREFIX}checker_validation_duration_seconds`,
    help: 'Validation duration, every stage included',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  return {
    registry,
    validations,
    duration,
    recordValidation: (validation) => {
      validationTally[validation.passed ? 'passed' : 'failed'] += 1;
      duration.observe(validation.durationMs / 1000);
      for (const check of validation.checks) {
        const tally = checkTallies.get(check.checkerName) ?? { passed: 0, failed: 0 };
        if (tally.passed + tally.failed === 0) checkTallies.set(check.checkerName, tally);
        tally[check.passed ? 'passed' : 'failed'] += 1;
      }
    },
    urlTests: new Counter({ name: `${METRIC_PREFIX}checker_url_tests_total`, help: 'URL test jobs run', registers }),
    checks: new Counter({
      name: `${METRIC_PREFIX}checker_checks_total`,
      help: 'Checks run, by checker and result',
      labelNames: ['checker', 'result'],
      registers,
      collect() {
        for (const [checker, tally] of checkTallies)
          addTally(tally, (result, count) => this.inc({ checker, result }, count));
      },
    }),
    leasesRefunded: new Counter({
      name: `${METRIC_PREFIX}checker_leases_refunded_total`,
      help: 'Leases refunded after a failed report and a failed re-check',
      registers,
    }),
  };
}

/** What the admission metrics read, at each scrape. */
export interface AdmissionFigures {
  delayMs: number;
  limit: number;
  pauses: number;
  pausedMs: number;
}

/**
 * The event-loop admission's figures: the delay it sees now, and its pauses (how many, how long in all). A rate of
 * paused seconds near 1 is a checker that is saturated and starting new validations only as the loop allows.
 */
export function registerAdmissionMetrics(registry: Registry, admission: AdmissionFigures): void {
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}checker_event_loop_delay_seconds`,
    help: 'How far the event loop runs behind now, as the admission of new validations sees it',
    registers,
    collect() {
      this.set(admission.delayMs / 1000);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}checker_admission_limit`,
    help: 'Validations the admission allows in flight now (it grows while the event loop keeps up, shrinks when not)',
    registers,
    collect() {
      this.set(admission.limit);
    },
  });
  totalCounter(
    registers,
    'checker_admission_pauses_total',
    'Times new validations were held back because the event loop ran behind',
    () => admission.pauses,
  );
  totalCounter(
    registers,
    'checker_admission_paused_seconds_total',
    'Time new validations were held back because the event loop ran behind',
    () => admission.pausedMs / 1000,
  );
}

/** A counter that follows a running total kept elsewhere: each scrape adds what the total grew by since the last. */
function totalCounter(registers: Registry[], name: string, help: string, total: () => number): void {
  let counted = 0;
  new Counter({
    name: `${METRIC_PREFIX}${name}`,
    help,
    registers,
    collect() {
      const now = total();
      this.inc(now - counted);
      counted = now;
    },
  });
}

/** Hands the tally's non-zero counts to `add` and zeroes them. */
function addTally(tally: Tally, add: (result: keyof Tally, count: number) => void): void {
  for (const result of ['passed', 'failed'] as const) {
    if (tally[result] === 0) continue;
    add(result, tally[result]);
    tally[result] = 0;
  }
}
