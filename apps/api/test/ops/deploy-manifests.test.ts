import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';

const DOCKER = path.resolve(import.meta.dirname, '../../../../docker');
type Doc = Record<string, any>; // manifests are free-form YAML

function load(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(path.join(DOCKER, file), 'utf8'));
  for (const doc of docs) expect(doc.errors).toEqual([]);
  return docs.map((doc) => doc.toJS() as Doc);
}

const k8s = readdirSync(path.join(DOCKER, 'k8s')).filter((f) => f.endsWith('.yaml')).flatMap((f) => load(`k8s/${f}`));
const byKind = (kind: string) => k8s.filter((doc) => doc.kind === kind);

describe('deployment files (linted offline: no Docker engine here)', () => {
  it('every Kubernetes document has apiVersion, kind and a name', () => {
    expect(k8s.length).toBeGreaterThan(10);
    for (const doc of k8s) expect(doc).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
  });

  it('deploys every role with probes, resources and a grace period above the drain time', () => {
    const deployments = byKind('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['proxy-pool-api', 'proxy-pool-checker', 'proxy-pool-scraper']);
    for (const deployment of deployments) {
      const spec = deployment.spec.template.spec;
      const container = spec.containers[0];
      expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      expect(container.resources.requests).toBeDefined();
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      const drain = Number(container.env?.find((e: Doc) => e.name === 'DRAIN_MS')?.value ?? 0) / 1000;
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(drain);
    }
  });

  it('has the migration Job, Services, PodDisruptionBudgets, a KEDA ScaledObject keeping one checker, and an HPA', () => {
    expect(byKind('Job')).toHaveLength(1);
    expect(byKind('Service')).toHaveLength(3);
    expect(byKind('PodDisruptionBudget')).toHaveLength(3);
    const [scaled] = byKind('ScaledObject');
    expect(scaled?.spec).toMatchObject({ scaleTargetRef: { name: 'proxy-pool-checker' }, minReplicaCount: 1 });
    expect(scaled?.spec.triggers[0]).toMatchObject({ type: 'redis', metadata: { listName: 'pp:validate:wait' } });
    expect(byKind('HorizontalPodAutoscaler')[0]?.spec).toMatchObject({ scaleTargetRef: { name: 'proxy-pool-checker' }, minReplicas: 1 });
  });

  it('composes PostgreSQL, Redis, a one-shot migration and the three roles from Dockerfile targets that exist', () => {
    const [compose] = load('compose.yml');
    expect(Object.keys(compose!.services).sort()).toEqual(['api', 'checker', 'migrate', 'postgres', 'redis', 'scraper']);
    const targets = [...readFileSync(path.join(DOCKER, 'Dockerfile'), 'utf8').matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const name of ['api', 'scraper', 'checker', 'migrate']) {
      expect(targets).toContain(compose!.services[name].build.target);
      expect(compose!.services[name].build.target).toBe(name);
    }
    expect(compose!.services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(readFileSync(path.join(DOCKER, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
  });
});
