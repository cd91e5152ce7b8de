#!/usr/bin/env node
// `npm run bench -- NAME`: runs bench/NAME/index.ts (which ends with a `RESULT NAME …` line).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const names = readdirSync(resolve(root, 'bench'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(resolve(root, 'bench', d.name, 'index.ts')))
  .map((d) => d.name);
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (NAME one of: ${names.join(', ') || 'none yet'})`);
  process.exit(3);
}
const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(root, 'bench', name, 'index.ts'), ...rest], {
  cwd: root,
  stdio: 'inherit',
  // Same as the trainctl worker: one libuv pool thread for the short native calls (rounds run on boosting threads).
  env: { UV_THREADPOOL_SIZE: '1', ...process.env },
});
process.exit(run.status ?? 1);
