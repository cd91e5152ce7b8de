import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import type { Paths } from '../lib/config/paths';

/**
 * CLI readers of what the activities keep in the artefact store. With the local default the files
 * are read where they are, as before; with TRAINCTL_ARTIFACTS=s3://… a scratch copy is made of the
 * objects (same keys as activities/storeFiles.ts: the path relative to the project) and removed
 * after `fn`.
 */
export async function withStoredFiles<T>(paths: Paths, files: string[], fn: (local: string[]) => Promise<T>): Promise<T> {
  const { openStore, parseArtifactsLocation } = await import('../lib/store');
  if (parseArtifactsLocation(process.env.TRAINCTL_ARTIFACTS).kind !== 's3') return fn(files);
  const store = openStore();
  const dir = await scratch(paths);
  try {
    const local = files.map((f, i) => join(dir, `${i}-${basename(f)}`));
    for (const [i, f] of files.entries()) {
      const found = await store.read(storeKeyOf(paths, f));
      if (found) await writeFile(local[i]!, found.bytes);
    }
    return await fn(local);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The model line's prediction log folder: the local one, or a copy gathered from the bucket's batches. */
export async function withStoredPredictionLog<T>(paths: Paths, modelName: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const { openStore, parseArtifactsLocation } = await import('../lib/store');
  const { predictionLogDir } = await import('../lib/serving/locations');
  if (parseArtifactsLocation(process.env.TRAINCTL_ARTIFACTS).kind !== 's3') return fn(predictionLogDir(paths, modelName));
  const { withStoreLogCopy } = await import('../lib/predictionLog/storeLog');
  const store = openStore();
  try {
    return await withStoreLogCopy({ store, modelName, scratchDir: join(paths.stateDir, 'tmp') }, fn);
  } finally {
    store.close();
  }
}

async function scratch(paths: Paths): Promise<string> {
  await mkdir(join(paths.stateDir, 'tmp'), { recursive: true });
  return mkdtemp(join(paths.stateDir, 'tmp', 'stored-'));
}

/** activities/storeFiles.ts keyFor, for the CLI: folders moved out of the project keep their default prefix. */
function storeKeyOf(paths: Paths, path: string): string {
  for (const [dir, prefix] of [
    [paths.root, ''],
    [paths.stateDir, '.trainctl/'],
    [paths.reportsDir, 'reports/'],
    [paths.modelsDir, 'models/'],
  ] as const) {
    const rel = relative(dir, path);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return `${prefix}${rel.split(sep).join('/')}`;
  }
  throw new Error(`${path}: outside the project directory ${paths.root}, so it has no store key`);
}
