import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelLinePaths } from '../lib/config/paths';
import { bestParamsPath, writeBestParams, type BestParamsDecision, type BestParamsFile } from '../lib/hpo';
import { registryPrefix } from '../lib/registry';
import { writeFileAtomic } from '../lib/util/atomic';
import { LocalStore } from '../lib/store';
import type { ActivityDeps } from './deps';
import { storeOf } from './storeFiles';
import { updateStoredFiles } from './storedUpdate';

/**
 * A model line's best_hyperparameters.json where the worker's store keeps it: in the project
 * directory as before, or beside the line's registry in the bucket (`models/<line>/…`), written by
 * compare-and-swap so two searches finishing at once on two hosts cannot lose each other's result.
 */
const FILE = 'best_hyperparameters.json';
const HISTORY = 'best_hyperparameters.history.jsonl';
const ATTEMPTS = 8;

/** A local file holding the line's current best parameters (absent when there are none). */
export async function bestParamsLocal(deps: ActivityDeps, modelName: string): Promise<string> {
  const store = storeOf(deps);
  if (store instanceof LocalStore) return bestParamsPath(deps.paths, modelName);
  const dir = join(deps.paths.stateDir, 'store-cache', 'best', modelName);
  const path = join(dir, FILE);
  const found = await store.read(`${registryPrefix(modelName)}/${FILE}`);
  if (found) await writeFileAtomic(path, found.bytes);
  else await rm(path, { force: true });
  return path;
}

/** lib/hpo's replacement rule, applied to the stored file; returns where it is (a path or a URI). */
export async function writeBestParamsStored(
  deps: ActivityDeps,
  o: { modelName: string; next: BestParamsFile; now: Date },
): Promise<{ decision: BestParamsDecision; location: string }> {
  const store = storeOf(deps);
  const line = modelLinePaths(deps.paths, o.modelName);
  // In the project directory; in a bucket under the same models/<line>/ key (keyFor).
  const historyLocal = join(line.registryRoot, HISTORY);
  if (store instanceof LocalStore) {
    const decision = await writeBestParams({ path: line.bestHyperparams, historyPath: historyLocal, next: o.next, now: o.now });
    return { decision, location: line.bestHyperparams };
  }
  const key = `${registryPrefix(o.modelName)}/${FILE}`;
  await mkdir(join(deps.paths.stateDir, 'tmp'), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(deps.paths.stateDir, 'tmp', 'best-'));
    try {
      const path = join(dir, FILE);
      const historyPath = join(dir, HISTORY);
      const current = await store.read(key);
      if (current) await writeFile(path, current.bytes);
      // lib/hpo appends the replaced file to a history of its own: what it adds is our line.
      const decision = await writeBestParams({ path, historyPath, next: o.next, now: o.now });
      if (!decision.replaced || (current && (await readFile(path)).equals(current.bytes))) return { decision, location: store.uriOf(key) };
      const bytes = await readFile(path);
      const written = current ? await store.putIfMatch(key, bytes, current.etag) : await store.putIfAbsent(key, bytes);
      if (written !== null) {
        // Appended by compare-and-swap (activities/storedUpdate): a concurrent search's line stays.
        if (existsSync(historyPath)) {
          const lines = await readFile(historyPath);
          await updateStoredFiles(deps, [historyLocal], async ([local]) => appendFile(local!, lines));
        }
        return { decision, location: store.uriOf(key) };
      }
      // Another search wrote it since we read it: decide again against what it wrote.
      if (attempt >= ATTEMPTS) throw new Error(`${store.uriOf(key)}: changed under ${ATTEMPTS} attempts to write it; retrying later`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
