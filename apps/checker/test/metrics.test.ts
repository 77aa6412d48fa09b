import { describe, expect, it } from '@jest/globals';
import { createCheckerMetrics } from '../src/metrics.js';

const validation = (passed: boolean) => ({
  passed,
  durationMs: 40,
  checks: [
    { checkerName: 'tcp_connect', passed: true },
    { checkerName: 'http_anonymity', passed },
  ],
});

describe('checker metrics', () => {
  it('count every recorded validation and check at each scrape, cumulatively', async () => {
    const metrics = createCheckerMetrics(
      () => 0,
      () => 0,
    );
    metrics.recordValidation(validation(true));
    metrics.recordValidation(validation(true));
    metrics.recordValidation(validation(false));
    const first = await metrics.registry.metrics();
    expect(first).toContain('proxypool_checker_validations_total{outcome="passed"} 2');
    expect(first).toContain('proxypool_checker_validations_total{outcome="failed"} 1');
    expect(first).toContain('proxypool_checker_checks_total{checker="tcp_connect",result="passed"} 3');
    expect(first).toContain('proxypool_checker_checks_total{checker="http_anonymity",result="failed"} 1');
    expect(first).toContain('proxypool_checker_validation_duration_seconds_count 3');
    metrics.recordValidation(validation(false));
    const second = await metrics.registry.metrics();
    expect(second).toContain('proxypool_checker_validations_total{outcome="passed"} 2');
    expect(second).toContain('proxypool_checker_validations_total{outcome="failed"} 2');
    expect(second).toContain('proxypool_checker_checks_total{checker="http_anonymity",result="failed"} 2');
    expect(second).toContain('proxypool_checker_checks_total{checker="tcp_connect",result="passed"} 4');
  });
});
