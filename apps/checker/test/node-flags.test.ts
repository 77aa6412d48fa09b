import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHECKER_NODE_FLAGS } from '../src/node-flags.js';

const repoFile = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');

// The flags are spelled out where node is started (scripts, image): each place must say what node-flags.ts says.
describe('the checker runs with its node flags wherever it is started', () => {
  const flags = CHECKER_NODE_FLAGS.join(' ');

  it('in npm start (one process) and the checker start script', () => {
    const root = JSON.parse(repoFile('package.json')) as { scripts: Record<string, string> };
    const checker = JSON.parse(repoFile('apps/checker/package.json')) as { scripts: Record<string, string> };
    expect(root.scripts.start).toBe(`node ${flags} --import tsx apps/standalone/src/main.ts`);
    expect(checker.scripts.start).toBe(`node ${flags} --import tsx src/main.ts`);
    expect(root.scripts['bench:checker']).toBe(`node ${flags} --import tsx apps/checker/bench/checker-bench.ts`);
    expect(root.scripts['bench:steady']).toBe(`node ${flags} --import tsx apps/checker/bench/steady-bench.ts`);
  });

  it("in the checker image's NODE_OPTIONS", () => {
    const checkerStage = /FROM runtime AS checker\n([\s\S]*?)\nCMD/.exec(repoFile('docker/Dockerfile'))?.[1] ?? '';
    expect(checkerStage).toContain(`ENV NODE_OPTIONS=${flags}\n`);
  });
});
