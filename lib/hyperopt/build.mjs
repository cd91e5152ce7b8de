// Build the publishable package: `node build.mjs [outdir]` (default dist/).
// The core is bundled for the "neutral" platform, so any Node built-in import fails the build;
// `hyperopt-ts/node` (the journal file backend) imports the core instead of bundling a second copy.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? resolve(here, 'dist'));
const common = { bundle: true, format: 'esm', target: 'es2022', logLevel: 'warning' };
await build({ ...common, entryPoints: [resolve(here, 'index.ts')], platform: 'neutral', outfile: resolve(outdir, 'index.js') });
await build({
  ...common,
  entryPoints: [resolve(here, 'node.ts')],
  platform: 'node',
  outfile: resolve(outdir, 'node.js'),
  plugins: [
    {
      name: 'core-external',
      setup: (b) => b.onResolve({ filter: /^\.\/(journal|study|distributions)$/ }, () => ({ path: './index.js', external: true })),
    },
  ],
});
// Type declarations (for bundler-style module resolution, as the sources use extensionless imports).
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const types = spawnSync(
  process.execPath,
  [
    tsc,
    '--declaration',
    '--emitDeclarationOnly',
    '--outDir',
    outdir,
    '--rootDir',
    here,
    '--target',
    'es2022',
    '--module',
    'esnext',
    '--moduleResolution',
    'bundler',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    resolve(here, 'index.ts'),
    resolve(here, 'node.ts'),
  ],
  { stdio: 'inherit' },
);
if (types.status !== 0) process.exit(types.status ?? 1);
console.log(`hyperopt-ts built into ${outdir}`);
