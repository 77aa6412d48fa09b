import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dependencyViolations, importedSpecifiers } from './dependency-direction.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('dependency direction', () => {
  it('holds in this repository: apps depend on packages, no package on an app, no app on another (but the composition root)', () => {
    expect(dependencyViolations(REPO)).toEqual([]);
  });
});

describe('the dependency check', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'dependency-direction-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function workspace(dir: string, dependencies: string[], files: Record<string, string>): void {
    mkdirSync(path.join(root, dir, 'src', 'deep'), { recursive: true });
    const manifest = {
      name: `@w/${path.basename(dir)}`,
      dependencies: Object.fromEntries(dependencies.map((name) => [name, 'workspace:*'])),
    };
    writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify(manifest));
    for (const [file, source] of Object.entries(files)) writeFileSync(path.join(root, dir, 'src', file), source);
  }

  workspace('packages/queues', [], { 'index.ts': 'export const queues = 1;\n' });
  workspace('packages/jobs', ['@w/worker'], {
    'index.ts':
      "import { start } from '@w/worker/src/main.js';\nimport { queues } from '@w/queues';\nexport { start, queues };\n",
    'deep/task.ts':
      "import { db } from '../../../db/src/index.js';\n// import { nope } from '@w/api';\nexport const task = db;\n",
  });
  workspace('apps/api', [], { 'index.ts': 'export const api = 1;\n' });
  workspace('apps/worker', ['@w/api', '@w/queues'], {
    'main.ts':
      "import { api } from '@w/api';\nimport '../../api/src/index.js';\nimport { queues } from '../src/deep/../index.js';\nexport const start = () => import('@w/api');\n",
  });
  workspace('apps/standalone', ['@w/api', '@w/worker'], {
    'main.ts': "import { api } from '@w/api';\nimport { start } from '@w/worker';\n",
  });

  it('reports a package depending on an app, an app on another app, and relative imports leaving their package', () => {
    expect(dependencyViolations(root).sort()).toEqual(
      [
        'apps/worker/package.json dependencies: an app depends on another app (@w/api)',
        "apps/worker/src/main.ts: imports '@w/api': an app depends on another app (@w/api)",
        "apps/worker/src/main.ts: relative import '../../api/src/index.js' leaves apps/worker",
        "apps/worker/src/main.ts: imports '@w/api': an app depends on another app (@w/api)",
        'packages/jobs/package.json dependencies: a package depends on an app (@w/worker)',
        "packages/jobs/src/index.ts: imports '@w/worker/src/main.js': a package depends on an app (@w/worker)",
        "packages/jobs/src/deep/task.ts: relative import '../../../db/src/index.js' leaves packages/jobs",
      ].sort(),
    );
  });

  it('reads static, side-effect and dynamic imports and re-exports, not comments', () => {
    const source =
      "import a from 'a';\nimport type { B } from 'b';\nexport * from './c.js';\nimport 'd';\nconst e = await import('e');\n/* import x from 'x'; */\n// import y from 'y';\nconst url = 'http://z';\n";
    expect(importedSpecifiers(source).sort()).toEqual(['./c.js', 'a', 'b', 'd', 'e']);
  });
});
