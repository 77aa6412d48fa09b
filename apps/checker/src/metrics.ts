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
  const validations = new Counter({
    name: `${METRIC_PREFIX}checker_validations_total`,
    help: 'Validations by outcome',
    labelNames: ['outcome'],
    registers,
  });
  // Both outcomes exist from the start, so "no passed validation for 10 minutes" also fires for a checker that never passed one.
  for (const outcome of ['passed', 'failed']) validations.inc({ outcome }, 0);
  return {
    registry,
    validations,
    duration: new Histogram({
      name: `${METRIC_PREFIX}checker_validation_duration_seconds`,
      help: 'Validation duration, every stage included',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    urlTests: new Counter({ name: `${METRIC_PREFIX}checker_url_tests_total`, help: 'URL test jobs run', registers }),
    checks: new Counter({
      name: `${METRIC_PREFIX}checker_checks_total`,
      help: 'Checks run, by checker and result',
      labelNames: ['checker', 'result'],
      registers,
    }),
    leasesRefunded: new Counter({
      name: `${METRIC_PREFIX}checker_leases_refunded_total`,
      help: 'Leases refunded after a failed report and a failed re-check',
      registers,
    }),
  };
}
