// The compiled CLI: client/cli.ts and everything it imports, bundled by esbuild into dist/ (ESM,
// code-split, so a command's `await import()` still loads its modules only when it runs). npm
// packages stay external, zod aside (externalPackages). Sources remain the truth: the worker
// bundles workflows/ from the .ts files, and bin/trainctl.mjs falls back to running the sources
// when dist/ is stale.
// `node scripts/build.mjs` builds; scripts/setup.mjs calls buildIfStale().
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'dist');
const manifestName = 'build.json';

/**
 * True when dist/ was built from the current sources: every input esbuild read (and this script)
 * is older than the build's start. A missing input (file deleted or renamed) also counts as stale.
 */
export function isFresh(dir = distDir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, manifestName), 'utf8'));
  } catch {
    return false;
  }
  try {
    for (const input of manifest.inputs) if (statSync(join(root, input)).mtimeMs > manifest.startedAt) return false;
  } catch {
    return false;
  }
  return true;
}

// A bundled module no longer sits where its source did, so `import.meta.url` in a source file
// becomes the URL of that source (relative to the output file: every chunk lands directly in
// dist/), and paths derived from it (.venv, workflows/index.ts) still point into the checkout.
const sourceMetaUrl = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromOutput = relative(distDir, args.path).split('\\').join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

// npm packages stay external (loaded from node_modules), except zod: it is 95 ES modules there,
// which cost every command that reads the configuration ~25 ms more to load than one bundled copy
// (bench/cli). Nothing outside dist/ shares its schemas.
const BUNDLED_PACKAGES = new Set(['zod']);

// zod's classic API re-exports all of its ~50 message locales (`z.locales`, 341 KB of the 755 KB
// bundled), which every command that reads the configuration would parse at start. trainctl uses
// the English messages zod installs by default and never `z.locales`: the bundle's locales module
// re-exports `en` only.
const englishOnlyZodLocales = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};\n`,
      resolveDir: dirname(args.path),
    }));
  },
};
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

// Builds replace each other file by file (each written to a temporary name, then renamed), with
// the entry and the manifest last, and chunks named by content hash: a CLI started from the
// previous build (a long-running worker, or a command in flight while the set-up rebuilds) still
// finds every chunk it may import later. Files of earlier builds are removed after a day.
const KEEP_OLD_BUILDS_MS = 24 * 3600_000;

export async function build({ log = () => {} } = {}) {
  const { build: esbuild } = await import('esbuild');
  const startedAt = Date.now();
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: ['client/cli.ts'],
    outdir: distDir,
    write: false,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceMetaUrl, englishOnlyZodLocales, externalPackages],
  });
  // Inputs in a plugin's namespace (`zod-locales:…`) are generated, not files: their real files are inputs too.
  const sources = Object.keys(result.metafile.inputs).filter((input) => !/^[a-z-]+:/.test(input));
  const inputs = [...sources, 'tsconfig.json', relative(root, fileURLToPath(import.meta.url))];
  const entry = join(distDir, 'cli.js');
  const files = [
    { path: join(distDir, 'package.json'), contents: '{ "type": "module" }\n' },
    ...result.outputFiles.filter((f) => f.path !== entry),
    ...result.outputFiles.filter((f) => f.path === entry),
    { path: join(distDir, manifestName), contents: JSON.stringify({ startedAt, inputs }, null, 1) },
  ];
  mkdirSync(distDir, { recursive: true });
  for (const f of files) {
    const temporary = `${f.path}.${process.pid}.tmp`;
    writeFileSync(temporary, f.contents);
    renameSync(temporary, f.path);
  }
  const current = new Set(files.map((f) => basename(f.path)));
  for (const name of readdirSync(distDir)) {
    const path = join(distDir, name);
    if (!current.has(name) && statSync(path).mtimeMs < startedAt - KEEP_OLD_BUILDS_MS) rmSync(path, { force: true });
  }
  log(`built dist/ from ${inputs.length - 2} sources in ${Date.now() - startedAt} ms`);
}

export async function buildIfStale({ log = () => {} } = {}) {
  if (isFresh()) return false;
  await build({ log });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await build({ log: (m) => console.log(`[build] ${m}`) });
}
