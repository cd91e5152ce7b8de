import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const lib = fileURLToPath(new URL('../../../lib/hyperopt/', import.meta.url));

describe('hyperopt-ts as a package', () => {
  it('builds with no Node import in the core and works from plain Node by its package name', () => {
    const root = mkdtempSync(join(tmpdir(), 'hyperopt-ts-'));
    const pkg = join(root, 'node_modules', 'hyperopt-ts');
    mkdirSync(pkg, { recursive: true });
    // The core is bundled for esbuild's "neutral" platform: a Node built-in import would fail here.
    execFileSync(process.execPath, [join(lib, 'build.mjs'), join(pkg, 'dist')], { stdio: 'pipe' });
    for (const f of ['package.json', 'README.md']) copyFileSync(join(lib, f), join(pkg, f));
    expect(readFileSync(join(pkg, 'dist', 'index.js'), 'utf8')).not.toMatch(/from ["']node:|require\(/);
    expect(readFileSync(join(pkg, 'dist', 'index.d.ts'), 'utf8')).toContain('createStudy');

    const script = `
import { createStudy, TPESampler, studyToJournal } from 'hyperopt-ts';
import { appendJournal, readJournal } from 'hyperopt-ts/node';
const study = createStudy({ sampler: new TPESampler({ seed: 3 }) });
await study.optimize((t) => (t.suggestFloat('x', -2, 2) - 0.5) ** 2 + t.suggestInt('k', 0, 4), { nTrials: 25 });
const file = ${JSON.stringify(join(root, 'study.journal'))};
appendJournal(file, studyToJournal({ studyName: 'pkg', direction: 'minimize', trials: study.trials, workerId: 'w' }));
const [loaded] = readJournal(file);
console.log(JSON.stringify({ trials: loaded.trials.length, best: study.bestValue, k: study.bestParams.k }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as {
      trials: number;
      best: number;
      k: number;
    };
    expect(out.trials).toBe(25);
    expect(out.k).toBe(0);
    expect(out.best).toBeLessThan(0.1);
  }, 60_000);
});
