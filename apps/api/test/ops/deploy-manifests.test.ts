import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { kustomize, REPO, type Doc } from './support/rendered-manifests.js';
import { schemaProblems } from './support/schema-models.js';

const OVERLAYS = ['single-node', 'production-keda'] as const;
const rendered = Object.fromEntries(
  OVERLAYS.map((overlay) => [overlay, kustomize(`deploy/k8s/overlays/${overlay}`)]),
) as Record<(typeof OVERLAYS)[number], Doc[]>;
const ROLES = ['proxy-pool-api', 'proxy-pool-checker', 'proxy-pool-gateway', 'proxy-pool-judge', 'proxy-pool-scraper'];
/** Defaults of the apps' own settings the drains must outlast, when a manifest does not set them. */
const APP_DEFAULTS: Record<string, string> = { SCRAPE_TIMEOUT_MS: '30000', TOTAL_TIMEOUT_MS: '10000' };

const byKind = (docs: Doc[], kind: string) => docs.filter((doc) => doc.kind === kind);
const named = (docs: Doc[], kind: string, name: string) =>
  docs.find((doc) => doc.kind === kind && doc.metadata.name === name)!;
const envOf = (container: Doc, name: string): string | undefined =>
  container.env?.find((entry: Doc) => entry.name === name)?.value ?? APP_DEFAULTS[name];
const configOf = (docs: Doc[]) =>
  byKind(docs, 'ConfigMap').find((doc) => doc.metadata.name.startsWith('proxy-pool-config'))!.data as Record<
    string,
    string
  >;

describe.each(OVERLAYS)('kubectl kustomize deploy/k8s/overlays/%s', (overlay) => {
  const docs = rendered[overlay];

  it('renders documents that all validate against the Kubernetes and KEDA schemas', () => {
    expect(docs.length).toBeGreaterThan(15);
    expect(docs.map(schemaProblems).filter(Boolean)).toEqual([]);
    for (const doc of docs) expect(doc.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'proxy-pool' });
  });

  it('holds no secret values: every role reads proxy-pool-secrets, created outside the manifests', () => {
    expect(byKind(docs, 'Secret')).toEqual([]);
    for (const deployment of byKind(docs, 'Deployment')) {
      const sources = JSON.stringify(deployment.spec.template.spec);
      expect(sources).toContain('"proxy-pool-secrets"');
      expect(sources).not.toMatch(/postgres(ql)?:\/\/|redis:\/\//);
    }
  });

  it('hardens every container: non-root, read-only root with a /tmp emptyDir, no escalation, no capabilities', () => {
    const deployments = byKind(docs, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(ROLES);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: expect.any(Object) });
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect({ name: container.name, securityContext: container.securityContext }).toEqual({
          name: container.name,
          securityContext: {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
        });
        expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        expect(container.resources.requests).toBeDefined();
        expect(container.resources.limits.memory).toBeDefined();
      }
    }
  });

  it('probes every role, sleeps before stopping, and grants a grace period above the drain; drains outlast the work they wait for', () => {
    for (const deployment of byKind(docs, 'Deployment')) {
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      const preStop = Number(container.lifecycle.preStop.exec.command[1]);
      expect(preStop).toBeGreaterThan(0);
      const drainSeconds = Number(envOf(container, 'DRAIN_MS') ?? 0) / 1000;
      expect({
        role: deployment.metadata.name,
        fits: pod.terminationGracePeriodSeconds > preStop + drainSeconds,
      }).toEqual({ role: deployment.metadata.name, fits: true });
    }
    const scraper = named(docs, 'Deployment', 'proxy-pool-scraper').spec.template.spec.containers[0];
    expect(Number(envOf(scraper, 'DRAIN_MS'))).toBeGreaterThan(Number(envOf(scraper, 'SCRAPE_TIMEOUT_MS')));
    const checker = named(docs, 'Deployment', 'proxy-pool-checker').spec.template.spec.containers[0];
    expect(Number(envOf(checker, 'DRAIN_MS'))).toBeGreaterThan(Number(envOf(checker, 'TOTAL_TIMEOUT_MS')));
    const api = named(docs, 'Deployment', 'proxy-pool-api').spec.template.spec.containers[0];
    expect(api.readinessProbe.httpGet.path).toBe('/ready');
    expect(api.livenessProbe.httpGet.path).toBe('/live');
  });

  it('migrates before any role that uses the database starts, with no hand step', () => {
    for (const name of ['proxy-pool-api', 'proxy-pool-scraper', 'proxy-pool-checker', 'proxy-pool-gateway']) {
      const [init] = named(docs, 'Deployment', name).spec.template.spec.initContainers;
      expect(init).toMatchObject({ name: 'migrate', image: expect.stringMatching(/^proxy-pool-migrate:/) });
    }
    expect(named(docs, 'Deployment', 'proxy-pool-judge').spec.template.spec.initContainers).toBeUndefined();
    expect(byKind(docs, 'Job')).toEqual([]);
  });

  it('exposes the judge alone to the internet, keeping callers’ addresses, and points JUDGE_URL at a public host', () => {
    const judge = named(docs, 'Service', 'proxy-pool-judge');
    expect(judge.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    for (const service of byKind(docs, 'Service').filter((s) => s.metadata.name !== 'proxy-pool-judge'))
      expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
    const container = named(docs, 'Deployment', 'proxy-pool-judge').spec.template.spec.containers[0];
    expect(container.command.join(' ')).toContain('judge-main');
    expect(container.envFrom.some((source: Doc) => source.secretRef)).toBe(false);
    const judgeUrl = new URL(configOf(docs).JUDGE_URL!);
    const serviceNames = byKind(docs, 'Service').map((s) => s.metadata.name);
    expect(serviceNames.some((name) => judgeUrl.hostname === name || judgeUrl.hostname.startsWith(`${name}.`))).toBe(
      false,
    );
    expect(judgeUrl.hostname).not.toMatch(/\.svc(\.|$)|^localhost$|^127\./);
    expect(judgeUrl.pathname).toBe('/judge');
    expect(Number(judgeUrl.port || 80)).toBe(judge.spec.ports[0].port);
  });

  it('denies ingress by default; the judge takes its port from anywhere and has no egress', () => {
    const policies = byKind(docs, 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'proxy-pool-default-deny-ingress')!;
    expect(deny.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'proxy-pool' } },
      policyTypes: ['Ingress'],
    });
    const judge = policies.find((p) => p.metadata.name === 'proxy-pool-judge')!;
    expect(judge.spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(judge.spec.egress).toEqual([]);
  });
});

describe('autoscaling', () => {
  it('production-keda: KEDA owns the checker count, reading Redis with credentials from the secret', () => {
    const docs = rendered['production-keda'];
    expect(named(docs, 'Deployment', 'proxy-pool-checker').spec.replicas).toBeUndefined();
    const scaled = named(docs, 'ScaledObject', 'proxy-pool-checker');
    expect(scaled.spec).toMatchObject({ scaleTargetRef: { name: 'proxy-pool-checker' }, minReplicaCount: 1 });
    const [trigger] = scaled.spec.triggers;
    expect(trigger).toMatchObject({
      type: 'redis',
      metadata: { listName: `${configOf(docs).QUEUE_PREFIX}:validate:wait` },
      authenticationRef: { name: 'proxy-pool-redis' },
    });
    expect(trigger.metadata.address).toBeUndefined();
    const auth = named(docs, 'TriggerAuthentication', 'proxy-pool-redis');
    expect(auth.spec.secretTargetRef.map((ref: Doc) => [ref.parameter, ref.name]).sort()).toEqual([
      ['address', 'proxy-pool-secrets'],
      ['password', 'proxy-pool-secrets'],
    ]);
    expect(named(docs, 'Deployment', 'proxy-pool-api').spec.replicas).toBeGreaterThan(1);
  });

  it('single-node: fixed replicas and no KEDA objects', () => {
    const docs = rendered['single-node'];
    expect(byKind(docs, 'ScaledObject')).toEqual([]);
    expect(byKind(docs, 'TriggerAuthentication')).toEqual([]);
    for (const deployment of byKind(docs, 'Deployment')) expect(deployment.spec.replicas).toBe(1);
  });
});

describe('repository hygiene', () => {
  it('commits no Secret manifest under deploy/', () => {
    const files = readdirSync(path.join(REPO, 'deploy'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      /\.ya?ml$/.test(f),
    );
    for (const file of files)
      expect({
        file,
        secret: /^kind:\s*Secret\s*$/m.test(readFileSync(path.join(REPO, 'deploy', file), 'utf8')),
      }).toEqual({ file, secret: false });
  });

  it('composes PostgreSQL, Redis, a one-shot migration, the public judge and the roles from Dockerfile targets that exist', () => {
    const compose = parse(readFileSync(path.join(REPO, 'docker/compose.yml'), 'utf8')) as Doc;
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'checker',
      'judge',
      'migrate',
      'postgres',
      'redis',
      'scraper',
    ]);
    const dockerfile = readFileSync(path.join(REPO, 'docker/Dockerfile'), 'utf8');
    const targets = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const name of ['api', 'scraper', 'checker', 'migrate'])
      expect(targets).toContain(compose.services[name].build.target);
    expect(compose.services.judge.ports).toEqual(['8080:8080']);
    expect(compose.services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(JSON.stringify(compose)).not.toMatch(/JUDGE_URL[^,]*http:\/\/(api|judge)[:/]/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(compose.services.judge.command).toEqual(['node', 'dist/judge-main.js']);
  });

  it('builds images that run compiled JavaScript, with the dependency layer cached before the sources are copied', () => {
    const dockerfile = readFileSync(path.join(REPO, 'docker/Dockerfile'), 'utf8');
    const instructions = dockerfile
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n');
    const stage = (name: string) =>
      instructions.split(/^FROM /m).find((block) => block.split('\n')[0]!.endsWith(` AS ${name}`))!;
    for (const role of ['api', 'scraper', 'checker']) {
      expect(stage(role)).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
      expect(stage(role)).not.toMatch(/tsx|typescript|prisma/i);
      expect(stage(`pruned-${role}`)).toContain('docker/prune-runtime.sh');
    }
    // The Dockerfile's own ${PNPM_VERSION} build argument, looked for as text.
    const fetchAt = dockerfile.indexOf(['pnpm@$', '{PNPM_VERSION} fetch'].join(''));
    expect(dockerfile.indexOf('COPY pnpm-lock.yaml')).toBeLessThan(fetchAt);
    expect(fetchAt).toBeLessThan(dockerfile.indexOf('COPY . .'));
    expect(stage('migrate')).toContain('prisma", "migrate", "deploy"');
    const ignored = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
    for (const role of ['api', 'scraper', 'checker']) {
      const manifest = JSON.parse(readFileSync(path.join(REPO, `apps/${role}/package.json`), 'utf8')) as {
        scripts: Record<string, string>;
        dependencies: Record<string, string>;
      };
      expect({ role, build: manifest.scripts.build, tsx: manifest.dependencies.tsx }).toEqual({
        role,
        build: 'tsup',
        tsx: undefined,
      });
    }
  });
});
