import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO = path.resolve(import.meta.dirname, '../../../../..');
export type Doc = Record<string, any>; // manifests are free-form YAML

/** `kubectl kustomize <dir>` parsed into documents; a machine without kubectl fails with a message saying so. */
export function kustomize(dir: string): Doc[] {
  let rendered: string;
  try {
    rendered = execFileSync('kubectl', ['kustomize', path.join(REPO, dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed: the deployment tests render deploy/k8s with `kubectl kustomize`; install kubectl (client 1.27 or newer)',
      );
    }
    throw new Error(`kubectl kustomize ${dir} failed: ${failure.stderr ?? failure.message}`);
  }
  const docs = parseAllDocuments(rendered);
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${dir}: ${doc.errors[0]!.message}`);
  return docs.map((doc) => doc.toJS() as Doc);
}
