import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { observeWorkerJobs } from '@proxy-pool/worker-runtime';
import { Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import { createCheckerMetrics } from '../../../checker/src/metrics.js';
import { createScraperMetrics } from '../../../scraper/src/metrics.js';
import { startTestApi, type TestApi } from '../support/harness.js';
import { kustomize, REPO } from './support/rendered-manifests.js';
import { schemaProblems } from './support/schema-models.js';

/** Labels Prometheus adds to every series it scrapes, and the bucket label of histograms. */
const SCRAPE_LABELS = ['job', 'instance', 'namespace', 'pod', 'le'];

/** Every series name the API, checker and scraper expose (histograms by their _bucket/_sum/_count), with its labels. */
type Catalogue = Map<string, Set<string>>;

async function catalogueOf(registries: Registry[]): Promise<Catalogue> {
  const catalogue: Catalogue = new Map();
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      const labels = new Set<string>(
        (registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [],
      );
      for (const value of metric.values) for (const label of Object.keys(value.labels)) labels.add(label);
      const names =
        String(metric.type) === 'histogram'
          ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix)
          : [metric.name];
      for (const name of names) catalogue.set(name, new Set([...(catalogue.get(name) ?? []), ...labels]));
    }
  }
  return catalogue;
}

/** The metric names, label matchers and grouping labels of one PromQL expression, and what the catalogue lacks. */
function unknownReferences(expr: string, catalogue: Catalogue): string[] {
  const problems: string[] = [];
  const names = [...expr.matchAll(/\b(proxypool_[a-z0-9_]+)/g)].map((m) => m[1]!);
  if (names.length === 0) problems.push(`no proxypool_ series in: ${expr}`);
  for (const name of names) if (!catalogue.has(name)) problems.push(`unknown series ${name}`);
  const labelsOf = (name: string) => catalogue.get(name) ?? new Set<string>();
  for (const [, name, matchers] of expr.matchAll(/\b(proxypool_[a-z0-9_]+)\{([^}]*)\}/g)) {
    for (const [, label] of matchers!.matchAll(/([a-zA-Z_]+)\s*(?:=~|!~|!=|=)/g)) {
      if (!labelsOf(name!).has(label!)) problems.push(`${name} has no label ${label}`);
    }
  }
  for (const [, list] of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const label of list!
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean)) {
      if (!SCRAPE_LABELS.includes(label) && !names.some((name) => labelsOf(name).has(label)))
        problems.push(`no series of "${expr.trim()}" has label ${label}`);
    }
  }
  return problems;
}

let api: TestApi;
let catalogue: Catalogue;
const workers: Worker[] = [];

beforeAll(async () => {
  api = startTestApi();
  const connection = { url: api.ctx.config.REDIS_URL, maxRetriesPerRequest: null };
  const worker = (name: string) => {
    const created = new Worker(name, async () => undefined, {
      connection,
      prefix: api.ctx.config.QUEUE_PREFIX,
      autorun: false,
    });
    workers.push(created);
    return created;
  };
  const checker = createCheckerMetrics(
    () => 0,
    () => 0,
    true,
  );
  observeWorkerJobs(checker.registry, [worker('validate'), worker('url-test')]);
  const scraper = createScraperMetrics(true);
  observeWorkerJobs(scraper.registry, [worker('scrape'), worker('maintenance')]);
  catalogue = await catalogueOf([api.ctx.metrics.registry, checker.registry, scraper.registry]);
});
afterAll(async () => {
  for (const worker of workers) await worker.close();
  await api.close();
});

describe('alert rules (deploy/k8s/observability)', () => {
  const docs = kustomize('deploy/k8s/observability');
  const rules = docs.flatMap((doc) =>
    doc.spec.groups.flatMap((group: { rules: Array<Record<string, any>> }) => group.rules),
  );

  it('is a valid PrometheusRule with the alerts an operator needs', () => {
    expect(docs.map(schemaProblems).filter(Boolean)).toEqual([]);
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      'ProxyPoolBelowThreshold',
      'ProxyPoolJobsStalling',
      'ProxyPoolNoSuccessfulValidation',
      'ProxyPoolNotifierUnhealthy',
      'ProxyPoolQueueBacklogGrowing',
      'ProxyPoolQueueOldestJobWaiting',
      'ProxyPoolSourceFailing',
    ]);
    for (const rule of rules) {
      expect(rule.labels.severity).toMatch(/^(warning|critical)$/);
      expect(rule.annotations.summary).toEqual(expect.any(String));
    }
  });

  it('names only series and labels that the processes expose', () => {
    expect(catalogue.size).toBeGreaterThan(30);
    expect(rules.flatMap((rule) => unknownReferences(rule.expr, catalogue))).toEqual([]);
  });

  it('fires "no successful validation" from the checker counter that starts at zero', () => {
    const rule = rules.find((r) => r.alert === 'ProxyPoolNoSuccessfulValidation')!;
    expect(rule.expr).toContain('proxypool_checker_validations_total{outcome="passed"}');
    expect(rule.expr).toContain('[10m]');
  });
});

describe('Grafana dashboard (deploy/grafana/proxy-pool.json)', () => {
  const dashboard = JSON.parse(readFileSync(path.join(REPO, 'deploy/grafana/proxy-pool.json'), 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };

  it('queries only series and labels that the processes expose', () => {
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    expect(exprs.length).toBeGreaterThan(15);
    expect(exprs.flatMap((expr) => unknownReferences(expr, catalogue))).toEqual([]);
  });

  it('shows the pool, validation rate, queues, sources and notifiers', () => {
    const text = JSON.stringify(dashboard);
    for (const series of [
      'proxypool_pool_proxies',
      'proxypool_checker_validations_total',
      'proxypool_queue_oldest_waiting_seconds',
      'proxypool_jobs_stalled_total',
      'proxypool_sources',
      'proxypool_notification_deliveries_total',
    ]) {
      expect(text).toContain(series);
    }
  });

  it('would catch a misspelt series or label', () => {
    expect(unknownReferences('sum(rate(proxypool_checker_validation_total[5m]))', catalogue)).toEqual([
      'unknown series proxypool_checker_validation_total',
    ]);
    expect(unknownReferences('max(proxypool_pool_proxies{state="active"})', catalogue)).toEqual([
      'proxypool_pool_proxies has no label state',
    ]);
    expect(unknownReferences('max by (notifier) (proxypool_pool_proxies)', catalogue)).toHaveLength(1);
  });
});
