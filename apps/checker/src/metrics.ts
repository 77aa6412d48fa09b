import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface CheckerMetrics {
  registry: Registry;
  validations: Counter<'outcome'>;
  duration: Histogram;
  urlTests: Counter;
  checks: Counter<'checker' | 'result'>;
}

/** A registry per checker instance (several can live in one process: the all-in-one launcher, tests). */
export function createCheckerMetrics(inFlight: () => number, waiting: () => number, defaults = false): CheckerMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  new Gauge({ name: 'checker_validations_in_flight', help: 'Validations running now', registers: [registry], collect() { this.set(inFlight()); } });
  new Gauge({ name: 'checker_validations_waiting', help: 'Validations waiting for a slot', registers: [registry], collect() { this.set(waiting()); } });
  return {
    registry,
    validations: new Counter({ name: 'checker_validations_total', help: 'Validations by outcome', labelNames: ['outcome'], registers: [registry] }),
    duration: new Histogram({
      name: 'checker_validation_duration_seconds',
      help: 'Validation duration, every stage included',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    urlTests: new Counter({ name: 'checker_url_tests_total', help: 'URL test jobs run', registers: [registry] }),
    checks: new Counter({ name: 'checker_checks_total', help: 'Checks run, by checker and result', labelNames: ['checker', 'result'], registers: [registry] }),
  };
}
