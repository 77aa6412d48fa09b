import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The workspace's dependency rules: dependencies point from apps to packages, never from a package to an
 * app and never from one app to another; a relative import stays inside its own package (code another package
 * needs is imported by that package's name, so package.json says who depends on whom).
 *
 * One exception: `apps/standalone` is the composition root (`npm start` runs every role in one process) and
 * may depend on the role apps it composes. Nothing may depend on it.
 */
export const COMPOSITION_ROOT = 'apps/standalone';

interface Workspace {
  name: string;
  /** `apps/scraper`, `packages/queues` (relative to the repository). */
  dir: string;
  kind: 'app' | 'package';
}

const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

function workspaces(root: string): Workspace[] {
  const found: Workspace[] = [];
  for (const group of ['apps', 'packages'] as const) {
    const groupDir = path.join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir).sort()) {
      const manifest = path.join(groupDir, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      found.push({ name, dir: `${group}/${entry}`, kind: group === 'apps' ? 'app' : 'package' });
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(full);
    return SOURCE_FILE.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

/** Module specifiers of static imports and re-exports, `import()` and `require()`, comments left out. */
export function importedSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!));
}

/** Whether `from` may depend on `to` (both workspaces). */
function allowed(from: Workspace, to: Workspace): boolean {
  if (to.kind === 'package') return true;
  if (to.dir === COMPOSITION_ROOT) return false;
  return from.dir === COMPOSITION_ROOT && from !== to;
}

function ruleBroken(from: Workspace, to: Workspace): string {
  return from.kind === 'package'
    ? `a package depends on an app (${to.name})`
    : `an app depends on another app (${to.name})`;
}

/**
 * Every break of the rules under `root`: in each workspace's package.json, and in each import of the source
 * files under its `src/`. One line each, `<where>: <what>`.
 */
export function dependencyViolations(root: string): string[] {
  const all = workspaces(root);
  const byName = new Map(all.map((workspace) => [workspace.name, workspace]));
  const violations: string[] = [];
  for (const workspace of all) {
    const manifest = JSON.parse(readFileSync(path.join(root, workspace.dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of DEPENDENCY_FIELDS) {
      for (const dependency of Object.keys(manifest[field] ?? {})) {
        const target = byName.get(dependency);
        if (target && target !== workspace && !allowed(workspace, target))
          violations.push(`${workspace.dir}/package.json ${field}: ${ruleBroken(workspace, target)}`);
      }
    }
    const workspaceRoot = path.join(root, workspace.dir);
    for (const file of sourceFiles(path.join(workspaceRoot, 'src'))) {
      const where = path.relative(root, file);
      for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) {
          const resolved = path.resolve(path.dirname(file), specifier);
          if (path.relative(workspaceRoot, resolved).startsWith('..'))
            violations.push(`${where}: relative import '${specifier}' leaves ${workspace.dir}`);
          continue;
        }
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        const target = byName.get(name);
        if (target && target !== workspace && !allowed(workspace, target))
          violations.push(`${where}: imports '${specifier}': ${ruleBroken(workspace, target)}`);
      }
    }
  }
  return violations;
}
